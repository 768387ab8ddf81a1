/* fb-search-highlight.c: where a search matched, for the list's rows and the editors */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-search"

#include "config.h"

#include "fb-search-highlight.h"

/* The list's rows, the editors and the reading view mark matches alike. */
#define MATCH_BACKGROUND "#f8e45c"
#define MATCH_FOREGROUND "#241f31"

typedef struct
{
  int start;
  int end;
} Match;

/* The non-empty matches of @regex in @text, in order, as byte offsets. */
static GArray *
find_matches (GRegex     *regex,
              const char *text)
{
  GArray *found = g_array_new (FALSE, FALSE, sizeof (Match));
  g_autoptr(GMatchInfo) info = NULL;

  if (regex == NULL || text == NULL)
    return found;

  g_regex_match (regex, text, 0, &info);
  while (g_match_info_matches (info))
    {
      Match match;

      if (g_match_info_fetch_pos (info, 0, &match.start, &match.end) && match.end > match.start)
        g_array_append_val (found, match);
      g_match_info_next (info, NULL);
    }

  return found;
}

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
  g_autoptr(GArray) matches = NULL;
  GString *markup = g_string_new (NULL);
  int done = 0;

  if (text == NULL)
    return g_string_free (markup, FALSE);

  matches = find_matches (g_utf8_validate (text, -1, NULL) ? regex : NULL, text);
  for (guint i = 0; i < matches->len; i++)
    {
      Match *match = &g_array_index (matches, Match, i);
      g_autofree char *before = g_markup_escape_text (text + done, match->start - done);
      g_autofree char *found = g_markup_escape_text (text + match->start, match->end - match->start);

      g_string_append (markup, before);
      g_string_append_printf (markup, "<span bgcolor=\"" MATCH_BACKGROUND "\" fgcolor=\""
                              MATCH_FOREGROUND "\">%s</span>", found);
      done = match->end;
    }

  {
    g_autofree char *rest = g_markup_escape_text (text + done, -1);

    g_string_append (markup, rest);
  }

  return g_string_free (markup, FALSE);
}

#define MATCH_TAG "fb-search-match"
#define REGEX_KEY "fb-search-regex"

static guint
highlight_buffer (GtkTextBuffer *buffer,
                  GRegex        *regex)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, MATCH_TAG);
  g_autoptr(GArray) matches = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  if (tag == NULL)
    tag = gtk_text_buffer_create_tag (buffer, MATCH_TAG, "background", MATCH_BACKGROUND,
                                      "foreground", MATCH_FOREGROUND, NULL);
  /* Above every style the text has already. */
  gtk_text_tag_set_priority (tag, gtk_text_tag_table_get_size (table) - 1);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, tag, &start, &end);
  if (regex == NULL)
    return 0;

  text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  matches = find_matches (regex, text);
  for (guint i = 0; i < matches->len; i++)
    {
      Match *match = &g_array_index (matches, Match, i);
      GtkTextIter match_start, match_end;

      gtk_text_buffer_get_iter_at_offset (buffer, &match_start,
                                          g_utf8_pointer_to_offset (text, text + match->start));
      gtk_text_buffer_get_iter_at_offset (buffer, &match_end,
                                          g_utf8_pointer_to_offset (text, text + match->end));
      gtk_text_buffer_apply_tag (buffer, tag, &match_start, &match_end);
    }

  return matches->len;
}

static void
buffer_changed_cb (GtkTextBuffer *buffer)
{
  highlight_buffer (buffer, g_object_get_data (G_OBJECT (buffer), REGEX_KEY));
}

guint
fb_search_highlight_buffer (GtkTextBuffer *buffer,
                            GRegex        *regex,
                            gboolean       follow_edits)
{
  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), 0);

  /* Kept where typing changes the text. */
  g_signal_handlers_disconnect_by_func (buffer, buffer_changed_cb, NULL);
  if (regex != NULL && follow_edits)
    g_signal_connect_after (buffer, "changed", G_CALLBACK (buffer_changed_cb), NULL);
  g_object_set_data_full (G_OBJECT (buffer), REGEX_KEY,
                          regex != NULL ? g_regex_ref (regex) : NULL,
                          (GDestroyNotify) g_regex_unref);

  return highlight_buffer (buffer, regex);
}

static guint
highlight_text (GtkText *text,
                GRegex  *regex)
{
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();
  g_autoptr(GArray) matches = find_matches (regex, gtk_editable_get_text (GTK_EDITABLE (text)));
  PangoColor background, foreground;

  pango_color_parse (&background, MATCH_BACKGROUND);
  pango_color_parse (&foreground, MATCH_FOREGROUND);
  for (guint i = 0; i < matches->len; i++)
    {
      Match *match = &g_array_index (matches, Match, i);
      PangoAttribute *back = pango_attr_background_new (background.red, background.green, background.blue);
      PangoAttribute *fore = pango_attr_foreground_new (foreground.red, foreground.green, foreground.blue);

      back->start_index = fore->start_index = match->start;
      back->end_index = fore->end_index = match->end;
      pango_attr_list_insert (attributes, back);
      pango_attr_list_insert (attributes, fore);
    }
  gtk_text_set_attributes (text, matches->len > 0 ? attributes : NULL);

  return matches->len;
}

static void
text_changed_cb (GtkText *text)
{
  highlight_text (text, g_object_get_data (G_OBJECT (text), REGEX_KEY));
}

guint
fb_search_highlight_editable (GtkEditable *editable,
                              GRegex      *regex)
{
  GtkEditable *delegate = editable;

  g_return_val_if_fail (GTK_IS_EDITABLE (editable), 0);

  /* The GtkText inside an entry or an entry row. */
  while (!GTK_IS_TEXT (delegate) && gtk_editable_get_delegate (delegate) != NULL)
    delegate = gtk_editable_get_delegate (delegate);
  if (!GTK_IS_TEXT (delegate))
    return 0;

  g_signal_handlers_disconnect_by_func (delegate, text_changed_cb, NULL);
  if (regex != NULL)
    g_signal_connect_after (delegate, "changed", G_CALLBACK (text_changed_cb), NULL);
  g_object_set_data_full (G_OBJECT (delegate), REGEX_KEY,
                          regex != NULL ? g_regex_ref (regex) : NULL,
                          (GDestroyNotify) g_regex_unref);

  return highlight_text (GTK_TEXT (delegate), regex);
}
