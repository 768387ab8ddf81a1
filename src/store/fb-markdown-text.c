/* fb-markdown-text.c: Markdown as plain text, for one-line previews */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-store"

#include "config.h"

#include <string.h>

#include "fb-markdown-text.h"

/* Only what a list row needs: no HTML, no reference links. The reading
 * view (src/ui/fb-markdown-view.c) renders the same marks with styles. */

/* After "- ", "* ", "+ " or "12. " / "12) "; NULL when @p starts no item. */
static const char *
skip_list_marker (const char *p)
{
  const char *q = p;

  if ((*q == '-' || *q == '*' || *q == '+') && (q[1] == ' ' || q[1] == '\t'))
    return q + 2;

  while (g_ascii_isdigit (*q))
    q++;
  if (q > p && q - p <= 9 && (*q == '.' || *q == ')') && (q[1] == ' ' || q[1] == '\t'))
    return q + 2;

  return NULL;
}

static const char *
skip_block_marks (const char *p)
{
  for (;;)
    {
      const char *after;

      while (*p == ' ' || *p == '\t')
        p++;

      if (*p == '#')
        {
          const char *q = p;

          while (*q == '#')
            q++;
          if (q - p <= 6 && (*q == ' ' || *q == '\t' || *q == '\0'))
            {
              p = q;
              continue;
            }
          return p;
        }
      if (*p == '>')
        {
          p++;
          continue;
        }
      if ((after = skip_list_marker (p)) != NULL)
        {
          p = after;
          while (*p == ' ' || *p == '\t')
            p++;
          /* A task box belongs to the item's marks too. */
          if (p[0] == '[' && (p[1] == ' ' || p[1] == 'x' || p[1] == 'X') && p[2] == ']' &&
              (p[3] == ' ' || p[3] == '\0'))
            p += 3;
          continue;
        }
      return p;
    }
}

/* The index of the ")" closing the "(" at @open, or -1. */
static gssize
closing_paren (const char *text,
               gsize       open)
{
  int depth = 0;

  for (gsize i = open; text[i] != '\0'; i++)
    {
      if (text[i] == '(')
        depth++;
      else if (text[i] == ')' && --depth == 0)
        return i;
    }
  return -1;
}

char *
fb_markdown_line_to_plain (const char *line)
{
  const char *text;
  GString *out;
  gsize len;

  g_return_val_if_fail (line != NULL, NULL);

  text = skip_block_marks (line);
  len = strlen (text);
  out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '\\' && i + 1 < len && g_ascii_ispunct (text[i + 1]))
        {
          g_string_append_c (out, text[++i]);
          continue;
        }

      /* [text](link) and ![alt](image): the words only. */
      if (c == '[' || (c == '!' && i + 1 < len && text[i + 1] == '['))
        {
          gsize start = c == '!' ? i + 2 : i + 1;
          const char *close = strstr (text + start, "](");

          if (close != NULL)
            {
              gsize close_at = close - text;
              gssize end = closing_paren (text, close_at + 1);

              if (end > 0)
                {
                  g_autofree char *inner = g_strndup (text + start, close_at - start);
                  g_autofree char *plain = fb_markdown_line_to_plain (inner);

                  g_string_append (out, plain);
                  i = end;
                  continue;
                }
            }
        }

      /* Emphasis, strike-through and code marks. An underscore inside a
       * word (snake_case) is a letter, as in CommonMark. */
      if (c == '~' && i + 1 < len && text[i + 1] == '~')
        {
          i++;
          continue;
        }
      if (c == '*' || c == '`')
        continue;
      if (c == '_')
        {
          gboolean inside_word = i > 0 && g_ascii_isalnum (text[i - 1]) &&
                                 i + 1 < len && g_ascii_isalnum (text[i + 1]);

          if (!inside_word)
            continue;
        }

      g_string_append_c (out, c);
    }

  return g_strstrip (g_string_free (out, FALSE));
}
