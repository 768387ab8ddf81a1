/* fb-search-highlight.c: where a search matched, for the list's rows and the editor */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-search"

#include "config.h"

#include "fb-search-highlight.h"

static gboolean
starts_with_word_character (const char *word)
{
  gunichar c = g_utf8_get_char (word);

  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
    case G_UNICODE_SCRIPT_BOPOMOFO:
      return FALSE;
    default:
      return g_unichar_isalnum (c);
    }
}

char *
fb_search_pattern_new (const char * const *words)
{
  GString *pattern;

  if (words == NULL || words[0] == NULL)
    return NULL;

  pattern = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *escaped = g_regex_escape_string (words[i], -1);

      if (i > 0)
        g_string_append_c (pattern, '|');
      /* A prefix of a word, as FTS5 matches it (no letter or digit before). */
      if (starts_with_word_character (words[i]))
        g_string_append (pattern, "(?<![[:alnum:]])");
      g_string_append (pattern, escaped);
    }

  return g_string_free (pattern, FALSE);
}

GRegex *
fb_search_regex_new (const char * const *words)
{
  g_autofree char *pattern = fb_search_pattern_new (words);
  g_autoptr(GError) error = NULL;
  GRegex *regex;

  if (pattern == NULL)
    return NULL;

  regex = g_regex_new (pattern, G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, &error);
  if (regex == NULL)
    g_warning ("Could not highlight the search: %s", error->message);

  return regex;
}

char *
fb_search_highlight_markup (const char *text,
                            GRegex     *regex)
{
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup = g_string_new (NULL);
  int done = 0;

  if (text == NULL)
    return g_string_free (markup, FALSE);

  if (regex != NULL && g_utf8_validate (text, -1, NULL))
    {
      g_regex_match (regex, text, 0, &match);
      while (g_match_info_matches (match))
        {
          int start, end;

          if (g_match_info_fetch_pos (match, 0, &start, &end) && end > start)
            {
              g_autofree char *before = g_markup_escape_text (text + done, start - done);
              g_autofree char *found = g_markup_escape_text (text + start, end - start);

              g_string_append (markup, before);
              g_string_append_printf (markup, "<span bgcolor=\"#f8e45c\" fgcolor=\"#241f31\">%s</span>",
                                      found);
              done = end;
            }
          g_match_info_next (match, NULL);
        }
    }

  {
    g_autofree char *rest = g_markup_escape_text (text + done, -1);

    g_string_append (markup, rest);
  }

  return g_string_free (markup, FALSE);
}
