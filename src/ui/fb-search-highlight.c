/* fb-search-highlight.c: where a search matched, for the list's rows and the editors */
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

#define MATCH_TAG "fb-search-match"
#define REGEX_KEY "fb-search-regex"

static guint
highlight_buffer (GtkTextBuffer *buffer,
                  GRegex        *regex)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, MATCH_TAG);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;
  guint n = 0;

  if (tag == NULL)
    tag = gtk_text_buffer_create_tag (buffer, MATCH_TAG,
                                      "background", "#f8e45c", "foreground", "#241f31", NULL);
  /* Above every style the text has already. */
  gtk_text_tag_set_priority (tag, gtk_text_tag_table_get_size (table) - 1);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, tag, &start, &end);
  if (regex == NULL)
    return 0;

  text = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int from, to;

      if (g_match_info_fetch_pos (match, 0, &from, &to) && to > from)
        {
          GtkTextIter match_start, match_end;

          gtk_text_buffer_get_iter_at_offset (buffer, &match_start,
                                              g_utf8_pointer_to_offset (text, text + from));
          gtk_text_buffer_get_iter_at_offset (buffer, &match_end,
                                              g_utf8_pointer_to_offset (text, text + to));
          gtk_text_buffer_apply_tag (buffer, tag, &match_start, &match_end);
          n++;
        }
      g_match_info_next (match, NULL);
    }

  return n;
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
  g_autoptr(GMatchInfo) match = NULL;
  const char *string = gtk_editable_get_text (GTK_EDITABLE (text));
  guint n = 0;

  if (regex != NULL && string != NULL)
    {
      g_regex_match (regex, string, 0, &match);
      while (g_match_info_matches (match))
        {
          int from, to;

          if (g_match_info_fetch_pos (match, 0, &from, &to) && to > from)
            {
              PangoAttribute *background = pango_attr_background_new (0xf8f8, 0xe4e4, 0x5c5c);
              PangoAttribute *foreground = pango_attr_foreground_new (0x2424, 0x1f1f, 0x3131);

              background->start_index = foreground->start_index = from;
              background->end_index = foreground->end_index = to;
              pango_attr_list_insert (attributes, background);
              pango_attr_list_insert (attributes, foreground);
              n++;
            }
          g_match_info_next (match, NULL);
        }
    }
  gtk_text_set_attributes (text, n > 0 ? attributes : NULL);

  return n;
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
