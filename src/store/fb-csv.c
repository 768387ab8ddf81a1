/* fb-csv.c: CSV text (RFC 4180) written and read */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "fb-csv.h"

static gboolean
needs_quotes (const char *cell)
{
  gsize len = strlen (cell);

  if (len == 0)
    return FALSE;

  return strpbrk (cell, ",\"\r\n") != NULL || cell[0] == ' ' || cell[len - 1] == ' ';
}

void
fb_csv_append_row (GString            *out,
                   const char * const *cells)
{
  g_return_if_fail (out != NULL);

  for (guint i = 0; cells != NULL && cells[i] != NULL; i++)
    {
      const char *cell = cells[i];

      if (i > 0)
        g_string_append_c (out, ',');

      if (!needs_quotes (cell))
        {
          g_string_append (out, cell);
          continue;
        }

      g_string_append_c (out, '"');
      for (const char *p = cell; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }

  g_string_append (out, "\r\n");
}

/* The separator of the first line: the most frequent of , ; and tab
 * outside quotes, "," when none is there. */
static char
guess_separator (const char *p,
                 const char *end)
{
  guint commas = 0, semicolons = 0, tabs = 0;
  gboolean quoted = FALSE;

  for (; p < end; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (!quoted && (*p == '\n' || *p == '\r'))
        break;
      else if (!quoted && *p == ',')
        commas++;
      else if (!quoted && *p == ';')
        semicolons++;
      else if (!quoted && *p == '\t')
        tabs++;
    }

  if (semicolons > commas && semicolons >= tabs)
    return ';';
  if (tabs > commas && tabs > semicolons)
    return '\t';
  return ',';
}

static void
end_cell (GPtrArray *row,
          GString   *cell)
{
  g_ptr_array_add (row, g_strndup (cell->str, cell->len));
  g_string_truncate (cell, 0);
}

static void
end_row (GPtrArray *rows,
         GPtrArray *row)
{
  g_ptr_array_set_free_func (row, NULL);
  g_ptr_array_add (row, NULL);
  g_ptr_array_add (rows, g_ptr_array_free (row, FALSE));
}

GPtrArray *
fb_csv_parse (const char  *text,
              gssize       length,
              GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GString) cell = g_string_new (NULL);
  GPtrArray *row = NULL;
  const char *p, *end;
  gboolean quoted = FALSE;
  gboolean was_quoted = FALSE;
  guint line = 1;
  guint quote_line = 0;
  char separator;

  g_return_val_if_fail (text != NULL, NULL);

  if (length < 0)
    length = strlen (text);
  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The file is not UTF-8 text"));
      return NULL;
    }

  p = text;
  end = text + length;
  if (length >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  separator = guess_separator (p, end);

  for (; p < end; p++)
    {
      char c = *p;

      if (row == NULL)
        row = g_ptr_array_new_with_free_func (g_free);

      if (quoted)
        {
          if (c == '"' && p + 1 < end && p[1] == '"')
            {
              g_string_append_c (cell, '"');
              p++;
            }
          else if (c == '"')
            quoted = FALSE;
          else
            {
              if (c == '\n')
                line++;
              g_string_append_c (cell, c);
            }
          continue;
        }

      if (c == '"' && cell->len == 0 && !was_quoted)
        {
          quoted = was_quoted = TRUE;
          quote_line = line;
        }
      else if (c == separator)
        {
          end_cell (row, cell);
          was_quoted = FALSE;
        }
      else if (c == '\r' || c == '\n')
        {
          if (c == '\r' && p + 1 < end && p[1] == '\n')
            p++;
          line++;
          end_cell (row, cell);
          end_row (rows, row);
          row = NULL;
          was_quoted = FALSE;
        }
      else
        g_string_append_c (cell, c);
    }

  if (quoted)
    {
      if (row != NULL)
        g_ptr_array_free (row, TRUE);
      /* TRANSLATORS: %u is a line number in a CSV file */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The quote opened on line %u is never closed"), quote_line);
      return NULL;
    }

  /* The last row without its line break. */
  if (row != NULL)
    {
      end_cell (row, cell);
      end_row (rows, row);
    }

  return g_steal_pointer (&rows);
}
