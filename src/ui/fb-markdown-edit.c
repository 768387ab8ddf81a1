/* fb-markdown-edit.c: Markdown editing in a text buffer: lists, tasks, emphasis, headings */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-markdown"

#include "config.h"

#include <string.h>

#include "fb-markdown-edit.h"

/* What the editor does with Markdown as it is typed, as GNOME Text Editor,
 * Iotas and Obsidian do: the buffer stays plain Markdown text; every edit
 * is one user action, so Ctrl+Z takes it back in one step. */

#define MAX_HEADING_LEVEL 6

/* A list item's marks at the start of a line, in bytes. */
typedef struct {
  gsize    indent;      /* leading spaces and tabs */
  gsize    prefix;      /* indent + marker + its space (+ "[ ] ") */
  char     bullet;      /* '-', '*', '+', or 0 for a numbered item */
  guint64  number;
  char     delimiter;   /* '.' or ')' after the number */
  gssize   box;         /* offset of the box's inside (' ' or 'x'), or -1 */
} ListItem;

static gboolean
parse_list_item (const char *line,
                 ListItem   *item)
{
  const char *p = line;
  const char *digits;

  memset (item, 0, sizeof *item);
  item->box = -1;

  while (*p == ' ' || *p == '\t')
    p++;
  item->indent = p - line;

  if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ')
    {
      item->bullet = *p;
      p += 2;
    }
  else
    {
      digits = p;
      while (g_ascii_isdigit (*p))
        p++;
      if (p == digits || p - digits > 9 || (*p != '.' && *p != ')') || p[1] != ' ')
        return FALSE;
      item->number = g_ascii_strtoull (digits, NULL, 10);
      item->delimiter = *p;
      p += 2;
    }

  if (p[0] == '[' && (p[1] == ' ' || p[1] == 'x' || p[1] == 'X') && p[2] == ']' &&
      (p[3] == ' ' || p[3] == '\0'))
    {
      item->box = (p + 1) - line;
      p += p[3] == ' ' ? 4 : 3;
    }

  item->prefix = p - line;
  return TRUE;
}

/* The text of @iter's line without its newline, and the line's start. */
static char *
line_text (const GtkTextIter *iter,
           GtkTextIter       *start)
{
  GtkTextIter end;

  *start = *iter;
  gtk_text_iter_set_line_offset (start, 0);
  end = *start;
  if (!gtk_text_iter_ends_line (&end))
    gtk_text_iter_forward_to_line_end (&end);

  return gtk_text_iter_get_slice (start, &end);
}

static GtkTextIter
iter_at_byte (GtkTextBuffer     *buffer,
              const GtkTextIter *line_start,
              gsize              bytes)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_line_index (buffer, &iter, gtk_text_iter_get_line (line_start), bytes);
  return iter;
}

gboolean
fb_markdown_edit_newline (GtkTextBuffer *buffer)
{
  GtkTextIter cursor, start;
  g_autofree char *text = NULL;
  g_autofree char *next = NULL;
  ListItem item;
  gsize cursor_bytes;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);

  if (gtk_text_buffer_get_has_selection (buffer))
    return FALSE;

  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  text = line_text (&cursor, &start);
  if (!parse_list_item (text, &item))
    return FALSE;

  cursor_bytes = gtk_text_iter_get_line_index (&cursor);
  if (cursor_bytes < item.prefix)
    return FALSE;

  gtk_text_buffer_begin_user_action (buffer);

  /* Enter on an empty item ends the list: its marker goes. */
  if (text[item.prefix + strspn (text + item.prefix, " \t")] == '\0')
    {
      GtkTextIter end = start;

      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);
      gtk_text_buffer_delete_interactive (buffer, &start, &end, TRUE);
      gtk_text_buffer_end_user_action (buffer);
      return TRUE;
    }

  if (item.bullet != 0)
    next = g_strdup_printf ("\n%.*s%c %s", (int) item.indent, text, item.bullet,
                            item.box >= 0 ? "[ ] " : "");
  else
    next = g_strdup_printf ("\n%.*s%" G_GUINT64_FORMAT "%c %s", (int) item.indent, text,
                            item.number + 1, item.delimiter, item.box >= 0 ? "[ ] " : "");

  gtk_text_buffer_insert_interactive (buffer, &cursor, next, -1, TRUE);
  gtk_text_buffer_place_cursor (buffer, &cursor);
  gtk_text_buffer_end_user_action (buffer);

  return TRUE;
}

gboolean
fb_markdown_edit_is_task_box (const GtkTextIter *iter)
{
  GtkTextIter start;
  g_autofree char *text = NULL;
  ListItem item;
  gsize at;

  g_return_val_if_fail (iter != NULL, FALSE);

  text = line_text (iter, &start);
  if (!parse_list_item (text, &item) || item.box < 0)
    return FALSE;

  /* "[", the inside, or "]". */
  at = gtk_text_iter_get_line_index (iter);
  return at + 1 >= (gsize) item.box && at <= (gsize) item.box + 1;
}

gboolean
fb_markdown_edit_toggle_task (GtkTextBuffer     *buffer,
                              const GtkTextIter *iter)
{
  GtkTextIter start, box, box_end;
  g_autofree char *text = NULL;
  ListItem item;
  int cursor_offset;
  GtkTextIter cursor;

  g_return_val_if_fail (GTK_IS_TEXT_BUFFER (buffer), FALSE);
  g_return_val_if_fail (iter != NULL, FALSE);

  text = line_text (iter, &start);
  if (!parse_list_item (text, &item) || item.box < 0)
    return FALSE;

  /* Where the cursor was, as an offset: the edit moves iters. */
  gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
  cursor_offset = gtk_text_iter_get_offset (&cursor);

  gtk_text_buffer_begin_user_action (buffer);
  box = iter_at_byte (buffer, &start, item.box);
  box_end = box;
  gtk_text_iter_forward_char (&box_end);
  gtk_text_buffer_delete_interactive (buffer, &box, &box_end, TRUE);
  gtk_text_buffer_insert_interactive (buffer, &box, text[item.box] == ' ' ? "x" : " ", 1, TRUE);
  gtk_text_buffer_end_user_action (buffer);

  gtk_text_buffer_get_iter_at_offset (buffer, &cursor, cursor_offset);
  gtk_text_buffer_place_cursor (buffer, &cursor);

  return TRUE;
}

/* How many @c are right before (@forward FALSE) or after @iter. */
static guint
count_marks (const GtkTextIter *iter,
             gunichar           c,
             gboolean           forward)
{
  GtkTextIter i = *iter;
  guint n = 0;

  if (forward)
    {
      while (gtk_text_iter_get_char (&i) == c && gtk_text_iter_forward_char (&i))
        n++;
    }
  else
    {
      while (gtk_text_iter_backward_char (&i) && gtk_text_iter_get_char (&i) == c)
        n++;
    }
  return n;
}

/* The selection is wrapped in @mark already. A run of stars is read as
 * "**" pairs and maybe one "*": "***word***" is strong and emphasis. */
static gboolean
is_wrapped (const GtkTextIter *start,
            const GtkTextIter *end,
            const char        *mark)
{
  gunichar c = g_utf8_get_char (mark);
  guint n_chars = g_utf8_strlen (mark, -1);
  guint before = count_marks (start, c, FALSE);
  guint after = count_marks (end, c, TRUE);

  if (n_chars == 1 && c == '*')
    return before % 2 == 1 && after % 2 == 1;
  return before >= n_chars && after >= n_chars;
}

void
fb_markdown_edit_wrap (GtkTextBuffer *buffer,
                       const char    *mark)
{
  GtkTextIter start, end;
  int start_offset, end_offset;
  int mark_chars;

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (mark != NULL && *mark != '\0');

  mark_chars = g_utf8_strlen (mark, -1);
  gtk_text_buffer_begin_user_action (buffer);

  if (!gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    {
      g_autofree char *pair = g_strconcat (mark, mark, NULL);
      int at = gtk_text_iter_get_offset (&start);

      gtk_text_buffer_insert_interactive (buffer, &start, pair, -1, TRUE);
      gtk_text_buffer_get_iter_at_offset (buffer, &start, at + mark_chars);
      gtk_text_buffer_place_cursor (buffer, &start);
      gtk_text_buffer_end_user_action (buffer);
      return;
    }

  start_offset = gtk_text_iter_get_offset (&start);
  end_offset = gtk_text_iter_get_offset (&end);

  if (is_wrapped (&start, &end, mark))
    {
      GtkTextIter a = end, b = end;

      gtk_text_iter_forward_chars (&b, mark_chars);
      gtk_text_buffer_delete_interactive (buffer, &a, &b, TRUE);
      gtk_text_buffer_get_iter_at_offset (buffer, &a, start_offset - mark_chars);
      gtk_text_buffer_get_iter_at_offset (buffer, &b, start_offset);
      gtk_text_buffer_delete_interactive (buffer, &a, &b, TRUE);
      start_offset -= mark_chars;
      end_offset -= mark_chars;
    }
  else
    {
      gtk_text_buffer_insert_interactive (buffer, &end, mark, -1, TRUE);
      gtk_text_buffer_get_iter_at_offset (buffer, &start, start_offset);
      gtk_text_buffer_insert_interactive (buffer, &start, mark, -1, TRUE);
      start_offset += mark_chars;
      end_offset += mark_chars;
    }

  gtk_text_buffer_get_iter_at_offset (buffer, &start, start_offset);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, end_offset);
  gtk_text_buffer_select_range (buffer, &start, &end);
  gtk_text_buffer_end_user_action (buffer);
}

/* ---- Headings ---- */

static const double heading_scales[MAX_HEADING_LEVEL] = { 1.6, 1.4, 1.25, 1.15, 1.1, 1.05 };

static int
heading_level (const char *line)
{
  int level = 0;

  while (line[level] == '#')
    level++;
  if (level == 0 || level > MAX_HEADING_LEVEL || (line[level] != ' ' && line[level] != '\0'))
    return 0;
  return level;
}

static void
tag_lines (GtkTextBuffer *buffer,
           int            first,
           int            last)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);

  for (int line = first; line <= last; line++)
    {
      GtkTextIter start, end;
      g_autofree char *text = NULL;
      int level;

      if (!gtk_text_buffer_get_iter_at_line (buffer, &start, line))
        break;
      end = start;
      if (!gtk_text_iter_ends_line (&end))
        gtk_text_iter_forward_to_line_end (&end);

      for (int i = 1; i <= MAX_HEADING_LEVEL; i++)
        {
          char name[16];

          g_snprintf (name, sizeof name, "fb-heading-%d", i);
          gtk_text_buffer_remove_tag (buffer, gtk_text_tag_table_lookup (table, name), &start, &end);
        }

      text = gtk_text_iter_get_slice (&start, &end);
      if ((level = heading_level (text)) > 0)
        {
          char name[16];

          g_snprintf (name, sizeof name, "fb-heading-%d", level);
          gtk_text_buffer_apply_tag_by_name (buffer, name, &start, &end);
        }
    }
}

static void
insert_text_after_cb (GtkTextBuffer *buffer,
                      GtkTextIter   *location,
                      const char    *text,
                      int            len,
                      gpointer       user_data)
{
  int last = gtk_text_iter_get_line (location);
  int lines = 0;

  for (int i = 0; i < len; i++)
    if (text[i] == '\n')
      lines++;

  tag_lines (buffer, MAX (last - lines, 0), last);
}

static void
delete_range_after_cb (GtkTextBuffer *buffer,
                       GtkTextIter   *start,
                       GtkTextIter   *end,
                       gpointer       user_data)
{
  int line = gtk_text_iter_get_line (start);

  tag_lines (buffer, line, line);
}

void
fb_markdown_edit_track_headings (GtkTextBuffer *buffer)
{
  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));

  for (int i = 1; i <= MAX_HEADING_LEVEL; i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "fb-heading-%d", i);
      gtk_text_buffer_create_tag (buffer, name,
                                  "scale", heading_scales[i - 1],
                                  "weight", PANGO_WEIGHT_BOLD,
                                  NULL);
    }

  g_signal_connect_after (buffer, "insert-text", G_CALLBACK (insert_text_after_cb), NULL);
  g_signal_connect_after (buffer, "delete-range", G_CALLBACK (delete_range_after_cb), NULL);
  tag_lines (buffer, 0, gtk_text_buffer_get_line_count (buffer) - 1);
}
