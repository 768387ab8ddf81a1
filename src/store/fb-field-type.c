/* fb-field-type.c: the types of a template's fields and their JSON values */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "fb-field-type.h"

/* Text and JSON forms of typed values; what a template's field asks of a
 * value is checked in fb-template.c. */

static const struct
{
  const char *name;
  const char *label;
} field_types[FB_N_FIELD_TYPES] = {
  [FB_FIELD_TEXT] = { "text", N_("Text") },
  [FB_FIELD_LONG_TEXT] = { "long-text", N_("Long Text") },
  [FB_FIELD_INTEGER] = { "integer", N_("Whole Number") },
  [FB_FIELD_DECIMAL] = { "decimal", N_("Decimal Number") },
  [FB_FIELD_DATE] = { "date", N_("Date") },
  [FB_FIELD_TIME] = { "time", N_("Time") },
  [FB_FIELD_DATE_TIME] = { "date-time", N_("Date and Time") },
  [FB_FIELD_YES_NO] = { "yes-no", N_("Yes or No") },
  [FB_FIELD_CHOICE] = { "choice", N_("Choice") },
  [FB_FIELD_MULTIPLE_CHOICE] = { "multiple-choice", N_("Multiple Choice") },
  [FB_FIELD_LOCATION] = { "location", N_("Location") },
  [FB_FIELD_LINK] = { "link", N_("Link to a Record") },
  [FB_FIELD_PHOTO] = { "photo", N_("Photos") },
  [FB_FIELD_FILE] = { "file", N_("Files") },
};

const char *
fb_field_type_to_string (FbFieldType type)
{
  g_return_val_if_fail (type < FB_N_FIELD_TYPES, "text");

  return field_types[type].name;
}

FbFieldType
fb_field_type_from_string (const char *name,
                           gboolean   *known)
{
  for (guint i = 0; i < FB_N_FIELD_TYPES; i++)
    if (g_strcmp0 (name, field_types[i].name) == 0)
      {
        if (known != NULL)
          *known = TRUE;
        return i;
      }

  if (known != NULL)
    *known = FALSE;
  return FB_FIELD_TEXT;
}

const char *
fb_field_type_get_label (FbFieldType type)
{
  g_return_val_if_fail (type < FB_N_FIELD_TYPES, "");

  return _(field_types[type].label);
}

gboolean
fb_field_value_holds_string (JsonNode *value)
{
  return value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
         json_node_get_value_type (value) == G_TYPE_STRING;
}

gboolean
fb_field_value_holds_number (JsonNode *value)
{
  GType type;

  if (value == NULL || !JSON_NODE_HOLDS_VALUE (value))
    return FALSE;
  type = json_node_get_value_type (value);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

gboolean
fb_field_value_is_empty (JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;
  if (fb_field_value_holds_string (value))
    return *json_node_get_string (value) == '\0';
  if (JSON_NODE_HOLDS_ARRAY (value))
    return json_array_get_length (json_node_get_array (value)) == 0;

  return FALSE;
}

static JsonNode *
string_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

/* Whole digits, at least @min and at most @max of them, from *@p. */
static gboolean
read_digits (const char **p,
             guint        min,
             guint        max,
             int         *value)
{
  guint n = 0;

  *value = 0;
  while (n < max && g_ascii_isdigit ((*p)[n]))
    {
      *value = *value * 10 + ((*p)[n] - '0');
      n++;
    }
  if (n < min)
    return FALSE;
  *p += n;
  return TRUE;
}

static gboolean
parse_date (const char **p,
            int         *y,
            int         *m,
            int         *d)
{
  if (!read_digits (p, 4, 4, y) || **p != '-')
    return FALSE;
  (*p)++;
  if (!read_digits (p, 2, 2, m) || **p != '-')
    return FALSE;
  (*p)++;
  if (!read_digits (p, 2, 2, d))
    return FALSE;

  return g_date_valid_dmy (*d, *m, *y);
}

/* "HH:MM" or "HH:MM:SS"; *@s is -1 without seconds. */
static gboolean
parse_time (const char **p,
            int         *h,
            int         *min,
            int         *s)
{
  *s = -1;
  if (!read_digits (p, 1, 2, h) || **p != ':')
    return FALSE;
  (*p)++;
  if (!read_digits (p, 2, 2, min))
    return FALSE;
  if (**p == ':')
    {
      (*p)++;
      if (!read_digits (p, 2, 2, s) || *s > 59)
        return FALSE;
    }

  return *h < 24 && *min < 60;
}

/* "Z", "+01:00", "-0500" or nothing, copied into @zone. */
static gboolean
parse_zone (const char **p,
            char         zone[8])
{
  int hours, minutes = 0;
  const char *start = *p;

  zone[0] = '\0';
  if (**p == '\0')
    return TRUE;
  if (**p == 'Z' && (*p)[1] == '\0')
    {
      (*p)++;
      strcpy (zone, "Z");
      return TRUE;
    }
  if (**p != '+' && **p != '-')
    return FALSE;
  (*p)++;
  if (!read_digits (p, 2, 2, &hours))
    return FALSE;
  if (**p == ':')
    (*p)++;
  if (**p != '\0' && !read_digits (p, 2, 2, &minutes))
    return FALSE;
  if (hours > 14 || minutes > 59)
    return FALSE;
  g_snprintf (zone, 8, "%c%02d:%02d", *start, hours, minutes);
  return TRUE;
}

static char *
normalize_date_time (const char *text)
{
  const char *p = text;
  int y, m, d, h, min, s;
  char zone[8];

  if (!parse_date (&p, &y, &m, &d) || (*p != 'T' && *p != 't' && *p != ' '))
    return NULL;
  p++;
  if (!parse_time (&p, &h, &min, &s))
    return NULL;
  /* A fraction of a second is more than a person records. */
  if (*p == '.' || *p == ',')
    for (p++; g_ascii_isdigit (*p); p++)
      ;
  if (!parse_zone (&p, zone) || *p != '\0')
    return NULL;

  if (s > 0)
    return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%s", y, m, d, h, min, s, zone);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d%s", y, m, d, h, min, zone);
}

static gboolean
parse_decimal (const char *text,
               double     *value)
{
  g_autofree char *copy = g_strdup (text);
  char *end = NULL;
  char *comma = strchr (copy, ',');

  /* "3,5" from a spreadsheet in a locale with a decimal comma. */
  if (comma != NULL && strchr (copy, '.') == NULL && strchr (comma + 1, ',') == NULL)
    *comma = '.';

  errno = 0;
  *value = g_ascii_strtod (copy, &end);
  return end != copy && *end == '\0' && errno == 0 && isfinite (*value);
}

static gboolean
parse_integer (const char *text,
               gint64     *value)
{
  return g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, value, NULL);
}

static gboolean
parse_yes_no (const char *text,
              gboolean   *value)
{
  static const char * const yes[] = { "yes", "true", "1", "y", NULL };
  static const char * const no[] = { "no", "false", "0", "n", NULL };
  g_autofree char *lower = g_ascii_strdown (text, -1);

  if (g_strv_contains (yes, lower) || g_ascii_strcasecmp (text, _("yes")) == 0)
    {
      *value = TRUE;
      return TRUE;
    }
  if (g_strv_contains (no, lower) || g_ascii_strcasecmp (text, _("no")) == 0)
    {
      *value = FALSE;
      return TRUE;
    }

  return FALSE;
}

static gboolean
parse_location (const char *text,
                double     *latitude,
                double     *longitude)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *lat = NULL;
  g_autofree char *lon = NULL;

  /* "52.52, 13.40" or "52.52 13.40" (as maps copy them). */
  parts = g_strsplit_set (text, ", ;", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (lat == NULL)
        lat = g_strdup (parts[i]);
      else if (lon == NULL)
        lon = g_strdup (parts[i]);
      else
        return FALSE;
    }

  return lat != NULL && lon != NULL &&
         parse_decimal (lat, latitude) && parse_decimal (lon, longitude) &&
         ABS (*latitude) <= 90 && ABS (*longitude) <= 180;
}

static JsonNode *
location_node (double latitude,
               double longitude)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_double_member (object, "latitude", latitude);
  json_object_set_double_member (object, "longitude", longitude);
  json_node_take_object (node, object);
  return node;
}

/* A list's text (choices, file names) is its elements between ";". A ";"
 * or a backslash inside an element is written \; or \\, so "a;b.jpg"
 * reads back as one name; any other backslash stands for itself, as in
 * text written before this. */
static void
append_list_element (GString    *out,
                     const char *element)
{
  for (const char *p = element; *p != '\0'; p++)
    {
      if (*p == ';' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
}

/* The elements of a list's text, each without the spaces around it. */
static GPtrArray *
split_list (const char *text)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) part = g_string_new (NULL);

  for (const char *p = text;; p++)
    {
      if (*p == '\\' && (p[1] == ';' || p[1] == '\\'))
        {
          g_string_append_c (part, *++p);
          continue;
        }
      if (*p == ';' || *p == '\0')
        {
          g_ptr_array_add (parts, g_strstrip (g_strdup (part->str)));
          g_string_truncate (part, 0);
          if (*p == '\0')
            break;
          continue;
        }
      g_string_append_c (part, *p);
    }
  return parts;
}

JsonNode *
fb_field_value_from_text (FbFieldType  type,
                          const char  *text,
                          gboolean    *fits)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  JsonNode *node = NULL;

  if (fits != NULL)
    *fits = TRUE;

  if (*stripped == '\0')
    return NULL;

  switch (type)
    {
    case FB_FIELD_TEXT:
    case FB_FIELD_LONG_TEXT:
    case FB_FIELD_CHOICE:
    case FB_FIELD_LINK:
      /* Text is kept as typed, spaces included. */
      return string_node (type == FB_FIELD_CHOICE || type == FB_FIELD_LINK ? stripped : text);

    case FB_FIELD_INTEGER:
      {
        gint64 value;

        if (parse_integer (stripped, &value))
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_int (node, value);
          }
      }
      break;

    case FB_FIELD_DECIMAL:
      {
        double value;

        if (parse_decimal (stripped, &value))
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_double (node, value);
          }
      }
      break;

    case FB_FIELD_DATE:
      {
        const char *p = stripped;
        int y, m, d;

        if (parse_date (&p, &y, &m, &d) && *p == '\0')
          node = string_node (stripped);
      }
      break;

    case FB_FIELD_TIME:
      {
        const char *p = stripped;
        int h, min, s;

        if (parse_time (&p, &h, &min, &s) && *p == '\0')
          {
            g_autofree char *normal = s >= 0 ? g_strdup_printf ("%02d:%02d:%02d", h, min, s)
                                             : g_strdup_printf ("%02d:%02d", h, min);
            node = string_node (normal);
          }
      }
      break;

    case FB_FIELD_DATE_TIME:
      {
        g_autofree char *normal = normalize_date_time (stripped);

        if (normal != NULL)
          node = string_node (normal);
      }
      break;

    case FB_FIELD_YES_NO:
      {
        gboolean value;

        if (parse_yes_no (stripped, &value))
          {
            node = json_node_new (JSON_NODE_VALUE);
            json_node_set_boolean (node, value);
          }
      }
      break;

    case FB_FIELD_MULTIPLE_CHOICE:
    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      {
        g_autoptr(GPtrArray) parts = split_list (stripped);
        JsonArray *array = json_array_new ();

        for (guint i = 0; i < parts->len; i++)
          {
            const char *part = g_ptr_array_index (parts, i);

            if (*part == '\0')
              continue;
            /* A set: each choice once. */
            for (guint j = 0; j < i; j++)
              if (g_strcmp0 (g_ptr_array_index (parts, j), part) == 0)
                goto next;
            json_array_add_string_element (array, part);
          next:
            ;
          }
        node = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (node, array);
      }
      break;

    case FB_FIELD_LOCATION:
      {
        double latitude, longitude;

        if (parse_location (stripped, &latitude, &longitude))
          node = location_node (latitude, longitude);
      }
      break;

    case FB_N_FIELD_TYPES:
    default:
      g_assert_not_reached ();
    }

  if (node == NULL)
    {
      if (fits != NULL)
        *fits = FALSE;
      node = string_node (text);
    }

  return node;
}

static char *
format_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* The shortest text that reads back as the same number. */
  for (int digits = 1; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  return g_strdup (buffer);
}

gboolean
fb_field_value_fits (FbFieldType  type,
                     JsonNode    *value)
{
  if (fb_field_value_is_empty (value))
    return TRUE;

  switch (type)
    {
    case FB_FIELD_TEXT:
    case FB_FIELD_LONG_TEXT:
    case FB_FIELD_CHOICE:
    case FB_FIELD_LINK:
      return fb_field_value_holds_string (value);

    case FB_FIELD_INTEGER:
      return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_INT64;

    case FB_FIELD_DECIMAL:
      return fb_field_value_holds_number (value);

    case FB_FIELD_DATE:
    case FB_FIELD_TIME:
    case FB_FIELD_DATE_TIME:
      {
        g_autoptr(JsonNode) parsed = NULL;
        gboolean fits;

        if (!fb_field_value_holds_string (value))
          return FALSE;
        parsed = fb_field_value_from_text (type, json_node_get_string (value), &fits);
        return fits;
      }

    case FB_FIELD_YES_NO:
      return JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_BOOLEAN;

    case FB_FIELD_MULTIPLE_CHOICE:
    case FB_FIELD_PHOTO:
    case FB_FIELD_FILE:
      {
        JsonArray *array;

        if (!JSON_NODE_HOLDS_ARRAY (value))
          return FALSE;
        array = json_node_get_array (value);
        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!fb_field_value_holds_string (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }

    case FB_FIELD_LOCATION:
      {
        JsonObject *object;

        if (!JSON_NODE_HOLDS_OBJECT (value))
          return FALSE;
        object = json_node_get_object (value);
        return fb_field_value_holds_number (json_object_get_member (object, "latitude")) &&
               fb_field_value_holds_number (json_object_get_member (object, "longitude"));
      }

    case FB_N_FIELD_TYPES:
    default:
      return FALSE;
    }
}

char *
fb_field_value_to_text (FbFieldType  type,
                        JsonNode    *value)
{
  if (fb_field_value_is_empty (value))
    return g_strdup ("");
  if (fb_field_value_holds_string (value))
    return g_strdup (json_node_get_string (value));

  if (JSON_NODE_HOLDS_VALUE (value))
    {
      switch (json_node_get_value_type (value))
        {
        case G_TYPE_INT64:
          return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
        case G_TYPE_DOUBLE:
          return format_double (json_node_get_double (value));
        case G_TYPE_BOOLEAN:
          /* Not translated: the text form is for files and scripts. */
          return g_strdup (json_node_get_boolean (value) ? "yes" : "no");
        default:
          break;
        }
    }

  if ((type == FB_FIELD_MULTIPLE_CHOICE || fb_field_type_holds_files (type)) &&
      fb_field_value_fits (type, value))
    {
      JsonArray *array = json_node_get_array (value);
      g_autoptr(GString) out = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          /* File names read better apart; either reads back. */
          if (i > 0)
            g_string_append (out, type == FB_FIELD_MULTIPLE_CHOICE ? ";" : "; ");
          append_list_element (out, json_array_get_string_element (array, i));
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (type == FB_FIELD_LOCATION && fb_field_value_fits (type, value))
    {
      JsonObject *object = json_node_get_object (value);
      g_autofree char *lat = format_double (json_object_get_double_member (object, "latitude"));
      g_autofree char *lon = format_double (json_object_get_double_member (object, "longitude"));

      return g_strdup_printf ("%s, %s", lat, lon);
    }

  /* Anything else is shown as the JSON it is, so nothing is hidden. */
  return json_to_string (value, FALSE);
}

gboolean
fb_field_type_holds_files (FbFieldType type)
{
  return type == FB_FIELD_PHOTO || type == FB_FIELD_FILE;
}

gboolean
fb_field_value_has_string (JsonNode   *value,
                           const char *s)
{
  JsonArray *array = value != NULL && JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    if (fb_field_value_holds_string (json_array_get_element (array, i)) &&
        g_strcmp0 (json_array_get_string_element (array, i), s) == 0)
      return TRUE;

  return FALSE;
}
