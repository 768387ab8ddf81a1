/* fb-ui-util.c: small helpers the editors share */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fb-ui-util.h"

/* Character counts of the common prefix and, after it, the common suffix of
 * @a and @b (valid UTF-8). */
static void
common_affixes (const char *a,
                const char *b,
                glong      *prefix,
                glong      *suffix)
{
  const char *pa = a, *pb = b;
  const char *ea = a + strlen (a), *eb = b + strlen (b);

  *prefix = 0;
  *suffix = 0;

  while (*pa != '\0' && *pb != '\0' &&
         g_utf8_get_char (pa) == g_utf8_get_char (pb))
    {
      pa = g_utf8_next_char (pa);
      pb = g_utf8_next_char (pb);
      (*prefix)++;
    }

  while (ea > pa && eb > pb)
    {
      const char *qa = g_utf8_prev_char (ea);
      const char *qb = g_utf8_prev_char (eb);

      if (g_utf8_get_char (qa) != g_utf8_get_char (qb))
        break;
      ea = qa;
      eb = qb;
      (*suffix)++;
    }
}

void
fb_editable_replace_minimal (GtkEditable *editable,
                             const char  *text)
{
  const char *old = gtk_editable_get_text (editable);
  glong prefix, suffix, old_len, new_len;
  int pos;

  if (g_strcmp0 (old, text) == 0)
    return;

  common_affixes (old, text, &prefix, &suffix);
  old_len = g_utf8_strlen (old, -1);
  new_len = g_utf8_strlen (text, -1);

  if (old_len - suffix > prefix)
    gtk_editable_delete_text (editable, prefix, old_len - suffix);

  if (new_len - suffix > prefix)
    {
      const char *start = g_utf8_offset_to_pointer (text, prefix);
      const char *end = g_utf8_offset_to_pointer (text, new_len - suffix);

      pos = prefix;
      gtk_editable_insert_text (editable, start, end - start, &pos);
    }
}

void
fb_text_buffer_replace_minimal (GtkTextBuffer *buffer,
                                const char    *text)
{
  g_autofree char *old = NULL;
  GtkTextIter start, end;
  glong prefix, suffix, old_len, new_len;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  old = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  if (g_strcmp0 (old, text) == 0)
    return;

  common_affixes (old, text, &prefix, &suffix);
  old_len = g_utf8_strlen (old, -1);
  new_len = g_utf8_strlen (text, -1);

  if (old_len - suffix > prefix)
    {
      gtk_text_buffer_get_iter_at_offset (buffer, &start, prefix);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, old_len - suffix);
      gtk_text_buffer_delete (buffer, &start, &end);
    }

  if (new_len - suffix > prefix)
    {
      const char *from = g_utf8_offset_to_pointer (text, prefix);
      const char *to = g_utf8_offset_to_pointer (text, new_len - suffix);

      gtk_text_buffer_get_iter_at_offset (buffer, &start, prefix);
      gtk_text_buffer_insert (buffer, &start, from, to - from);
    }
}

char *
fb_json_value_to_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));

  return json_to_string (node, FALSE);
}

char *
fb_format_date_time (gint64 ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (ms / 1000);

  if (then == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (now) == g_date_time_get_year (then) &&
      g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (then))
    /* TRANSLATORS: a moment today, see strftime(3) */
    return g_date_time_format (then, C_("moment", "Today, %H:%M"));

  if (g_date_time_get_year (now) == g_date_time_get_year (then))
    /* TRANSLATORS: a moment this year, see strftime(3) */
    return g_date_time_format (then, C_("moment", "%e %b, %H:%M"));

  /* TRANSLATORS: a moment in another year, see strftime(3) */
  return g_date_time_format (then, C_("moment", "%e %b %Y, %H:%M"));
}
