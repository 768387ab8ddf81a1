/* fb-json-text.c: server strings that json-glib cannot hold, kept through the store */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-json-text"

#include "config.h"

#include <string.h>

#include "fb-json-text.h"

/* U+10FFFF in UTF-8: a noncharacter, which Unicode sets aside for a
 * program's internal use; it never needs to reach a person as itself. */
#define MARK     "\xf4\x8f\xbf\xbf"
#define MARK_LEN 4

/* memmem () is not in C11. */
static const char *
find_bytes (const char *haystack,
            gsize       len,
            const char *needle,
            gsize       needle_len)
{
  const char *end = haystack + len;
  const char *p = haystack;

  while (p + needle_len <= end && (p = memchr (p, needle[0], end - p)) != NULL)
    {
      if ((gsize) (end - p) >= needle_len && memcmp (p, needle, needle_len) == 0)
        return p;
      p++;
    }

  return NULL;
}

/* The four hex digits at @p (there are @avail bytes), or -1. */
static int
read_hex4 (const char *p,
           gsize       avail)
{
  int value = 0;

  if (avail < 4)
    return -1;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }

  return value;
}

/* The code unit of a "\uXXXX" escape at @p, or -1. */
static int
read_escape (const char *p,
             gsize       avail)
{
  if (avail < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  return read_hex4 (p + 2, avail - 2);
}

static void
append_marked (GString *out,
               int      unit)
{
  g_string_append_len (out, MARK, MARK_LEN);
  g_string_append_printf (out, "%04x", (guint) unit);
}

static gboolean
is_high_surrogate (int unit)
{
  return unit >= 0xd800 && unit <= 0xdbff;
}

static gboolean
is_low_surrogate (int unit)
{
  return unit >= 0xdc00 && unit <= 0xdfff;
}

char *
fb_json_text_protect (const char *json,
                      gsize       len,
                      gsize      *out_len)
{
  GString *out = NULL;
  gsize copied = 0;
  gsize i = 0;

  g_return_val_if_fail (json != NULL || len == 0, NULL);

  /* Almost every answer has neither an escape nor the mark. */
  if (find_bytes (json, len, "\\u", 2) == NULL && find_bytes (json, len, MARK, MARK_LEN) == NULL)
    return NULL;

  while (i < len)
    {
      gsize start = i;
      gsize consumed = 0;
      int unit;
      int next;

      if (json[i] == '\\')
        {
          unit = read_escape (json + i, len - i);
          if (unit < 0)
            {
              /* "\\", "\"" …: skip both, so an escaped backslash is never
               * taken for the start of an escape. */
              i += MIN (2, len - i);
              continue;
            }

          if (is_high_surrogate (unit))
            {
              next = read_escape (json + i + 6, len - i - 6);
              if (is_low_surrogate (next))
                {
                  /* A proper pair; only U+10FFFF (the mark itself) changes. */
                  if (unit == 0xdbff && next == 0xdfff)
                    consumed = 12;
                  else
                    {
                      i += 12;
                      continue;
                    }
                }
              else
                consumed = 6;
            }
          else if (unit == 0 || is_low_surrogate (unit))
            consumed = 6;
          else
            {
              i += 6;
              continue;
            }
        }
      else if (json[i] == MARK[0] && len - i >= MARK_LEN &&
               memcmp (json + i, MARK, MARK_LEN) == 0)
        {
          unit = 0xdbff;
          next = 0xdfff;
          consumed = MARK_LEN;
        }
      else
        {
          i++;
          continue;
        }

      if (out == NULL)
        out = g_string_sized_new (len + 32);
      g_string_append_len (out, json + copied, start - copied);

      if (consumed == 12 || consumed == MARK_LEN)
        {
          append_marked (out, 0xdbff);
          append_marked (out, 0xdfff);
        }
      else
        append_marked (out, unit);

      i = start + consumed;
      copied = i;
    }

  if (out == NULL)
    return NULL;

  g_string_append_len (out, json + copied, len - copied);
  if (out_len != NULL)
    *out_len = out->len;

  return g_string_free (out, FALSE);
}

char *
fb_json_text_unprotect (const char *json,
                        gsize       len,
                        gsize      *out_len)
{
  GString *out = NULL;
  gsize copied = 0;
  const char *p = json;
  const char *end = json + len;

  g_return_val_if_fail (json != NULL || len == 0, NULL);

  while (p < end && (p = find_bytes (p, end - p, MARK, MARK_LEN)) != NULL)
    {
      int unit = read_hex4 (p + MARK_LEN, end - p - MARK_LEN);

      if (unit < 0)
        {
          p += MARK_LEN;
          continue;
        }

      if (out == NULL)
        out = g_string_sized_new (len + 16);
      g_string_append_len (out, json + copied, p - (json + copied));
      g_string_append_printf (out, "\\u%04x", (guint) unit);
      p += MARK_LEN + 4;
      copied = p - json;
    }

  if (out == NULL)
    return NULL;

  g_string_append_len (out, json + copied, len - copied);
  if (out_len != NULL)
    *out_len = out->len;

  return g_string_free (out, FALSE);
}
