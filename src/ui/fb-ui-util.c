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

/* Splits @text into lines, each with its newline. */
static GPtrArray *
split_lines (const char *text)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = text;

  while (*p != '\0')
    {
      const char *nl = strchr (p, '\n');
      const char *end = nl != NULL ? nl + 1 : p + strlen (p);

      g_ptr_array_add (lines, g_strndup (p, end - p));
      p = end;
    }

  return lines;
}

static glong
lines_chars (GPtrArray *lines,
             guint      from,
             guint      to)
{
  glong n = 0;

  for (guint i = from; i < to; i++)
    n += g_utf8_strlen (lines->pdata[i], -1);

  return n;
}

static char *
join_lines (GPtrArray *lines,
            guint      from,
            guint      to)
{
  GString *out = g_string_new (NULL);

  for (guint i = from; i < to; i++)
    g_string_append (out, lines->pdata[i]);

  return g_string_free (out, FALSE);
}

/* Replaces the characters [@start, @start + @old_len) of @buffer, which
 * hold @old, by @text: only what differs inside, so marks outside it (the
 * cursor) stay where they are. */
static void
replace_block (GtkTextBuffer *buffer,
               glong          start,
               const char    *old,
               const char    *text)
{
  GtkTextIter from, to;
  glong prefix, suffix, old_len, new_len;

  if (g_strcmp0 (old, text) == 0)
    return;

  common_affixes (old, text, &prefix, &suffix);
  old_len = g_utf8_strlen (old, -1);
  new_len = g_utf8_strlen (text, -1);

  if (old_len - suffix > prefix)
    {
      gtk_text_buffer_get_iter_at_offset (buffer, &from, start + prefix);
      gtk_text_buffer_get_iter_at_offset (buffer, &to, start + old_len - suffix);
      gtk_text_buffer_delete (buffer, &from, &to);
    }

  if (new_len - suffix > prefix)
    {
      const char *a = g_utf8_offset_to_pointer (text, prefix);
      const char *b = g_utf8_offset_to_pointer (text, new_len - suffix);

      gtk_text_buffer_get_iter_at_offset (buffer, &from, start + prefix);
      gtk_text_buffer_insert (buffer, &from, a, b - a);
    }
}

/* Line by line: each run of changed lines is replaced on its own, from the
 * end backwards so that the offsets before it still hold. A remote change
 * above and below the cursor thus leaves the cursor where the person was
 * typing. */
void
fb_text_buffer_replace_minimal (GtkTextBuffer *buffer,
                                const char    *text)
{
  g_autofree char *old = NULL;
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;
  g_autofree guint *lcs = NULL;
  GtkTextIter start, end;
  guint pre = 0, n, m, cols;
  guint i, j;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  old = gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
  if (g_strcmp0 (old, text) == 0)
    return;

  a = split_lines (old);
  b = split_lines (text);

  while (pre < a->len && pre < b->len && g_str_equal (a->pdata[pre], b->pdata[pre]))
    pre++;
  n = a->len - pre;
  m = b->len - pre;
  while (n > 0 && m > 0 && g_str_equal (a->pdata[pre + n - 1], b->pdata[pre + m - 1]))
    {
      n--;
      m--;
    }

  if ((guint64) (n + 1) * (m + 1) > FB_MAX_LCS_CELLS || n == 0 || m == 0)
    {
      g_autofree char *old_block = join_lines (a, pre, pre + n);
      g_autofree char *new_block = join_lines (b, pre, pre + m);

      replace_block (buffer, lines_chars (a, 0, pre), old_block, new_block);
      return;
    }

  /* lcs[i * cols + j]: the longest common run of lines of a[pre+i..] and
   * b[pre+j..] (within the changed middle). */
  cols = m + 1;
  lcs = g_new0 (guint, (gsize) (n + 1) * cols);
  for (i = n; i-- > 0;)
    for (j = m; j-- > 0;)
      lcs[i * cols + j] = g_str_equal (a->pdata[pre + i], b->pdata[pre + j])
                          ? lcs[(i + 1) * cols + j + 1] + 1
                          : MAX (lcs[(i + 1) * cols + j], lcs[i * cols + j + 1]);

  /* Walk forwards collecting hunks, then apply them last first. */
  {
    g_autoptr(GArray) hunks = g_array_new (FALSE, FALSE, sizeof (guint) * 4);
    guint hi = 0, hj = 0;
    gboolean open_hunk = FALSE;

    i = j = 0;
    while (i < n || j < m)
      {
        if (i < n && j < m && g_str_equal (a->pdata[pre + i], b->pdata[pre + j]))
          {
            if (open_hunk)
              {
                guint h[4] = { hi, i, hj, j };
                g_array_append_vals (hunks, h, 1);
                open_hunk = FALSE;
              }
            i++;
            j++;
            continue;
          }
        if (!open_hunk)
          {
            hi = i;
            hj = j;
            open_hunk = TRUE;
          }
        if (j >= m || (i < n && lcs[(i + 1) * cols + j] >= lcs[i * cols + j + 1]))
          i++;
        else
          j++;
      }
    if (open_hunk)
      {
        guint h[4] = { hi, n, hj, m };
        g_array_append_vals (hunks, h, 1);
      }

    for (guint k = hunks->len; k-- > 0;)
      {
        guint *h = (guint *) (hunks->data + k * sizeof (guint) * 4);
        g_autofree char *old_block = join_lines (a, pre + h[0], pre + h[1]);
        g_autofree char *new_block = join_lines (b, pre + h[2], pre + h[3]);

        replace_block (buffer, lines_chars (a, 0, pre + h[0]), old_block, new_block);
      }
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

#define SHOWN_TOAST_KEY     "fb-shown-toast"
#define PENDING_TOAST_KEY   "fb-pending-toast"
#define TOAST_WATCHED_KEY   "fb-toast-watched"
#define TOAST_DISMISSED_KEY "fb-toast-dismissed"
#define TOAST_ADDED_KEY     "fb-toast-added-at"

/* libadwaita 1.2's overlay frees a toast's data when its hide animation
 * (300 ms) ends, while its show animation, 500 ms when it replaced
 * another toast, may still be running; that one's end then runs on the
 * freed data (a SIGSEGV under adw_animation_skip ()). So a toast of ours
 * is never dismissed until its show animation is over: a toast that
 * replaces it, or a dismissal, waits for the rest of this time. */
#define TOAST_SETTLE_MS 600

static void
toast_dismissed_cb (AdwToast *toast,
                    gpointer  user_data)
{
  g_object_set_data (G_OBJECT (toast), TOAST_DISMISSED_KEY, GINT_TO_POINTER (TRUE));
}

/* How long @toast must stay before it may be dismissed (0: it may now). */
static guint
toast_settle_left_ms (AdwToast *toast)
{
  gint64 *added = g_object_get_data (G_OBJECT (toast), TOAST_ADDED_KEY);
  gint64 shown_ms;

  if (added == NULL)
    return 0;
  shown_ms = (g_get_monotonic_time () - *added) / 1000;
  return shown_ms >= TOAST_SETTLE_MS ? 0 : (guint) (TOAST_SETTLE_MS - shown_ms);
}

static gboolean
dismiss_later_cb (gpointer user_data)
{
  fb_toast_dismiss (user_data);
  return G_SOURCE_REMOVE;
}

void
fb_toast_dismiss (AdwToast *toast)
{
  guint wait_ms;

  g_return_if_fail (toast == NULL || ADW_IS_TOAST (toast));

  if (toast == NULL || g_object_get_data (G_OBJECT (toast), TOAST_DISMISSED_KEY) != NULL)
    return;
  wait_ms = toast_settle_left_ms (toast);
  if (wait_ms > 0)
    {
      g_timeout_add_full (G_PRIORITY_DEFAULT, wait_ms, dismiss_later_cb, g_object_ref (toast),
                          g_object_unref);
      return;
    }
  adw_toast_dismiss (toast);
}

/* From now on fb_toast_dismiss () knows whether @toast was dismissed. */
static void
watch_toast (AdwToast *toast)
{
  if (g_object_get_data (G_OBJECT (toast), TOAST_WATCHED_KEY) == NULL)
    {
      g_signal_connect (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), NULL);
      g_object_set_data (G_OBJECT (toast), TOAST_WATCHED_KEY, GINT_TO_POINTER (TRUE));
    }
  g_object_set_data (G_OBJECT (toast), TOAST_DISMISSED_KEY, NULL);
}

static void
show_now (AdwToastOverlay *overlay,
          AdwToast        *toast)
{
  AdwToast *shown = g_object_get_data (G_OBJECT (overlay), SHOWN_TOAST_KEY);
  gint64 *added = g_new (gint64, 1);

  if (shown != NULL && shown != toast)
    fb_toast_dismiss (shown);

  watch_toast (toast);
  *added = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (toast), TOAST_ADDED_KEY, added, g_free);

  g_object_set_data_full (G_OBJECT (overlay), SHOWN_TOAST_KEY, g_object_ref (toast),
                          g_object_unref);
  adw_toast_overlay_add_toast (overlay, toast);
}

/* The toast waiting for the shown one to settle, shown now (or told it
 * was dismissed, when the overlay went meanwhile). */
static gboolean
show_pending_cb (gpointer user_data)
{
  g_autoptr(AdwToastOverlay) overlay = g_weak_ref_get (user_data);
  AdwToast *toast;

  if (overlay == NULL)
    return G_SOURCE_REMOVE;
  toast = g_object_steal_data (G_OBJECT (overlay), PENDING_TOAST_KEY);
  /* Dismissed while it waited: it is not shown at all. */
  if (toast != NULL && g_object_get_data (G_OBJECT (toast), TOAST_DISMISSED_KEY) != NULL)
    g_object_unref (toast);
  else if (toast != NULL)
    show_now (overlay, toast);
  return G_SOURCE_REMOVE;
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

/* A toast that never got shown (replaced while it waited, or its overlay
 * gone): told it was dismissed, as its owner expects of every toast. */
static void
drop_pending_toast (gpointer data)
{
  AdwToast *toast = data;

  fb_toast_dismiss (toast);
  g_object_unref (toast);
}

void
fb_toast_overlay_show (AdwToastOverlay *overlay,
                       AdwToast        *toast)
{
  AdwToast *shown;
  guint wait_ms;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (ADW_IS_TOAST (toast));

  shown = g_object_get_data (G_OBJECT (overlay), SHOWN_TOAST_KEY);
  wait_ms = shown != NULL && shown != toast &&
            g_object_get_data (G_OBJECT (shown), TOAST_DISMISSED_KEY) == NULL
            ? toast_settle_left_ms (shown) : 0;
  if (wait_ms == 0 && g_object_get_data (G_OBJECT (overlay), PENDING_TOAST_KEY) == NULL)
    {
      show_now (overlay, toast);
      return;
    }

  /* The latest toast waits; one that waited before it is dropped. A timer
   * runs already while one waits. */
  if (g_object_get_data (G_OBJECT (overlay), PENDING_TOAST_KEY) == NULL)
    g_timeout_add_full (G_PRIORITY_DEFAULT, wait_ms, show_pending_cb,
                        fb_weak_ref_new (overlay), (GDestroyNotify) weak_ref_free);
  watch_toast (toast);
  g_object_set_data_full (G_OBJECT (overlay), PENDING_TOAST_KEY, toast, drop_pending_toast);
}

GWeakRef *
fb_weak_ref_new (gpointer object)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, object);
  return ref;
}

gpointer
fb_weak_ref_steal (GWeakRef *ref)
{
  gpointer object = g_weak_ref_get (ref);

  g_weak_ref_clear (ref);
  g_free (ref);
  return object;
}

char *
fb_file_query_name_and_type (GFile  *file,
                             char  **content_type)
{
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE ","
                                                 G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                                                 G_FILE_QUERY_INFO_NONE, NULL, NULL);

  *content_type = info != NULL ? g_strdup (g_file_info_get_content_type (info)) : NULL;
  if (info != NULL && g_file_info_get_display_name (info) != NULL)
    return g_strdup (g_file_info_get_display_name (info));
  return g_file_get_basename (file);
}
