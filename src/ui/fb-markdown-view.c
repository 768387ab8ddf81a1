/* fb-markdown-view.c: a note's Markdown rendered for reading, in a text buffer with styles */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-markdown"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fb-markdown-view.h"

/* The common Markdown a note uses, line by line: ATX headings, bullets,
 * numbered and task items, quotes, fenced code, rules; inline strong,
 * emphasis, strike-through, code and links. What it does not know stays
 * as typed, so nothing written is hidden. */

#define LINK_KEY "fb-link"

typedef struct {
  GtkTextBuffer       *buffer;
  GtkTextIter          end;
  guint                n_links;
  GtkTextView         *view;         /* NULL: images stay links */
  FbMarkdownImageFunc  image_func;
  gpointer             image_data;
} Render;

static GtkTextTag *
ensure_tag (GtkTextBuffer *buffer,
            const char    *name,
            const char    *first_property,
            ...)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag *tag = gtk_text_tag_table_lookup (table, name);
  va_list args;

  if (tag != NULL)
    return tag;

  tag = gtk_text_tag_new (name);
  va_start (args, first_property);
  g_object_set_valist (G_OBJECT (tag), first_property, args);
  va_end (args);
  gtk_text_tag_table_add (table, tag);
  g_object_unref (tag);
  return tag;
}

static void
ensure_tags (GtkTextBuffer *buffer)
{
  static const double scales[] = { 1.6, 1.4, 1.25, 1.15, 1.1, 1.05 };

  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      char name[16];

      g_snprintf (name, sizeof name, "heading-%u", i + 1);
      ensure_tag (buffer, name, "scale", scales[i], "weight", PANGO_WEIGHT_BOLD,
                  "pixels-above-lines", 8, "pixels-below-lines", 4, NULL);
    }
  ensure_tag (buffer, "strong", "weight", PANGO_WEIGHT_BOLD, NULL);
  ensure_tag (buffer, "emphasis", "style", PANGO_STYLE_ITALIC, NULL);
  ensure_tag (buffer, "strike", "strikethrough", TRUE, NULL);
  ensure_tag (buffer, "code", "family", "monospace", NULL);
  ensure_tag (buffer, "quote", "left-margin", 36, "style", PANGO_STYLE_ITALIC, NULL);
  ensure_tag (buffer, "item", "left-margin", 36, "indent", -16, NULL);
  ensure_tag (buffer, "done", "strikethrough", TRUE, NULL);
  ensure_tag (buffer, "rule", "justification", GTK_JUSTIFY_CENTER, NULL);
  ensure_tag (buffer, "missing", "style", PANGO_STYLE_ITALIC, "foreground", "#9a9996", NULL);
}

/* Appends @text with the tags named in the NULL-terminated @tags. */
static void
append (Render      *render,
        const char  *text,
        gssize       len,
        const char **tags)
{
  GtkTextIter start;
  int offset = gtk_text_iter_get_offset (&render->end);

  gtk_text_buffer_insert (render->buffer, &render->end, text, len);
  gtk_text_buffer_get_iter_at_offset (render->buffer, &start, offset);
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    gtk_text_buffer_apply_tag_by_name (render->buffer, tags[i], &start, &render->end);
}

static void
append_link (Render     *render,
             const char *text,
             gsize       len,
             const char *address,
             gsize       address_len,
             const char **tags)
{
  g_autofree char *name = g_strdup_printf ("link-%u", render->n_links++);
  GtkTextTag *tag = gtk_text_tag_new (name);
  GtkTextIter start;
  int offset = gtk_text_iter_get_offset (&render->end);

  g_object_set (tag, "underline", PANGO_UNDERLINE_SINGLE, "foreground", "#1c71d8", NULL);
  g_object_set_data_full (G_OBJECT (tag), LINK_KEY, g_strndup (address, address_len), g_free);
  gtk_text_tag_table_add (gtk_text_buffer_get_tag_table (render->buffer), tag);
  g_object_unref (tag);

  append (render, text, len, tags);
  gtk_text_buffer_get_iter_at_offset (render->buffer, &start, offset);
  gtk_text_buffer_apply_tag (render->buffer, tag, &start, &render->end);
}

/* ![caption](address): the picture @image_func gives, scaled, with the
 * caption under it; or the caption and why there is no picture, in words.
 * FALSE when @image_func does not know the address (then it is a link). */
static gboolean
append_image (Render      *render,
              const char  *caption,
              gsize        caption_len,
              const char  *address,
              gsize        address_len,
              const char **tags)
{
  g_autofree char *text = g_strndup (caption, caption_len);
  g_autofree char *target = g_strndup (address, address_len);
  g_autofree char *words = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  const char *missing[] = { "missing", NULL };

  if (render->view == NULL || render->image_func == NULL)
    return FALSE;
  paintable = render->image_func (target, &words, render->image_data);
  if (paintable == NULL && words == NULL)
    return FALSE;

  if (paintable != NULL)
    {
      GtkTextChildAnchor *anchor = gtk_text_buffer_create_child_anchor (render->buffer, &render->end);
      GtkWidget *picture = gtk_picture_new_for_paintable (paintable);

      gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
      if (*text != '\0')
        gtk_picture_set_alternative_text (GTK_PICTURE (picture), text);
      gtk_widget_add_css_class (picture, "fb-markdown-image");
      gtk_text_view_add_child_at_anchor (render->view, picture, anchor);
      if (*text != '\0')
        {
          append (render, "\n", 1, NULL);
          append (render, text, -1, (const char *[]) { "emphasis", NULL });
        }
      return TRUE;
    }

  g_free (target);
  /* TRANSLATORS: an image a note shows that is not here: its caption, then why */
  target = *text != '\0' ? g_strdup_printf (_("[%s: %s]"), text, words) : g_strdup_printf ("[%s]", words);
  append (render, target, -1, missing);
  (void) tags;
  return TRUE;
}

/* @text's inline marks as styles; @tags (NULL-terminated, at most 6) are
 * applied to everything. */
static void
append_inline (Render      *render,
               const char  *text,
               const char **tags)
{
  const char *extra[8] = { NULL, };
  guint n = 0;
  gsize len = strlen (text);
  gsize run = 0;

  while (tags != NULL && tags[n] != NULL && n < 6)
    {
      extra[n] = tags[n];
      n++;
    }

#define FLUSH() G_STMT_START { if (i > run) append (render, text + run, i - run, extra); } G_STMT_END

  for (gsize i = 0; i < len; i++)
    {
      const char *mark = NULL;
      const char *tag = NULL;

      if (text[i] == '\\' && i + 1 < len && g_ascii_ispunct (text[i + 1]))
        {
          FLUSH ();
          run = i + 1;
          i++;
          continue;
        }

      if (text[i] == '`')
        mark = "`", tag = "code";
      else if (strncmp (text + i, "**", 2) == 0 || strncmp (text + i, "__", 2) == 0)
        mark = text[i] == '*' ? "**" : "__", tag = "strong";
      else if (strncmp (text + i, "~~", 2) == 0)
        mark = "~~", tag = "strike";
      else if ((text[i] == '*' || text[i] == '_') && i + 1 < len && text[i + 1] != ' ' &&
               !(text[i] == '_' && i > 0 && g_ascii_isalnum (text[i - 1])))
        mark = text[i] == '*' ? "*" : "_", tag = "emphasis";

      if (mark != NULL)
        {
          gsize mark_len = strlen (mark);
          const char *close = strstr (text + i + mark_len, mark);

          if (close != NULL && close > text + i + mark_len)
            {
              g_autofree char *inner = g_strndup (text + i + mark_len, close - (text + i + mark_len));

              FLUSH ();
              extra[n] = tag;
              extra[n + 1] = NULL;
              if (g_str_equal (tag, "code"))
                append (render, inner, -1, extra);
              else
                append_inline (render, inner, extra);
              extra[n] = NULL;
              i = (close - text) + mark_len - 1;
              run = i + 1;
              continue;
            }
        }

      if (text[i] == '!' && i + 1 < len && text[i + 1] == '[')
        {
          const char *middle = strstr (text + i, "](");
          const char *close = middle != NULL ? strchr (middle + 2, ')') : NULL;

          FLUSH ();
          run = i;
          if (close != NULL &&
              append_image (render, text + i + 2, middle - (text + i + 2),
                            middle + 2, close - (middle + 2), extra))
            {
              i = close - text;
              run = i + 1;
              continue;
            }
        }

      if (text[i] == '[')
        {
          const char *middle = strstr (text + i, "](");
          const char *close = middle != NULL ? strchr (middle + 2, ')') : NULL;

          if (close != NULL)
            {
              FLUSH ();
              append_link (render, text + i + 1, middle - (text + i + 1),
                           middle + 2, close - (middle + 2), extra);
              i = close - text;
              run = i + 1;
              continue;
            }
        }
    }

  {
    gsize i = len;

    FLUSH ();
  }
#undef FLUSH
}

static int
heading_level (const char *line)
{
  int level = 0;

  while (line[level] == '#')
    level++;
  if (level == 0 || level > 6 || (line[level] != ' ' && line[level] != '\0'))
    return 0;
  return level;
}

static void
render_line (Render     *render,
             const char *line,
             gboolean   *in_code)
{
  const char *p = line;
  const char *digits;
  int level;

  if (g_str_has_prefix (g_strchug ((char *) p), "```"))
    {
      *in_code = !*in_code;
      return;
    }
  if (*in_code)
    {
      const char *code[] = { "code", NULL };

      append (render, line, -1, code);
      append (render, "\n", 1, NULL);
      return;
    }

  while (*p == ' ' || *p == '\t')
    p++;

  if ((level = heading_level (p)) > 0)
    {
      char name[16];
      const char *tags[] = { name, NULL };

      g_snprintf (name, sizeof name, "heading-%d", level);
      append_inline (render, g_strchug ((char *) p + level), tags);
    }
  else if (*p == '>')
    {
      const char *tags[] = { "quote", NULL };

      p++;
      while (*p == ' ')
        p++;
      append_inline (render, p, tags);
    }
  else if ((strcmp (p, "---") == 0 || strcmp (p, "***") == 0))
    {
      const char *tags[] = { "rule", NULL };

      append (render, "⸻", -1, tags);
    }
  else if ((*p == '-' || *p == '*' || *p == '+') && p[1] == ' ')
    {
      const char *tags[] = { "item", NULL, NULL };

      p += 2;
      if (p[0] == '[' && (p[1] == ' ' || p[1] == 'x' || p[1] == 'X') && p[2] == ']')
        {
          gboolean done = p[1] != ' ';

          append (render, done ? "☑ " : "☐ ", -1, tags);
          tags[1] = done ? "done" : NULL;
          p += 3;
          while (*p == ' ')
            p++;
        }
      else
        append (render, "•  ", -1, tags);
      append_inline (render, p, tags);
    }
  else if ((digits = p, g_ascii_isdigit (*p)))
    {
      const char *tags[] = { "item", NULL };

      while (g_ascii_isdigit (*p))
        p++;
      if ((*p == '.' || *p == ')') && p[1] == ' ')
        {
          g_autofree char *number = g_strdup_printf ("%.*s.  ", (int) (p - digits), digits);

          append (render, number, -1, tags);
          append_inline (render, p + 2, tags);
        }
      else
        append_inline (render, line, NULL);
    }
  else
    append_inline (render, line, NULL);

  append (render, "\n", 1, NULL);
}

static void
collect_link_tag_cb (GtkTextTag *tag,
                     gpointer    data)
{
  if (g_object_get_data (G_OBJECT (tag), LINK_KEY) != NULL)
    g_ptr_array_add (data, tag);
}

static void
render_markdown (Render     *r,
                 const char *markdown);

void
fb_markdown_view_render (GtkTextBuffer *buffer,
                         const char    *markdown)
{
  Render r = { buffer, };

  g_return_if_fail (GTK_IS_TEXT_BUFFER (buffer));
  g_return_if_fail (markdown != NULL);

  render_markdown (&r, markdown);
}

void
fb_markdown_view_render_with_images (GtkTextView         *view,
                                     const char          *markdown,
                                     FbMarkdownImageFunc  image_func,
                                     gpointer             image_data)
{
  Render r = { gtk_text_view_get_buffer (view), };

  g_return_if_fail (GTK_IS_TEXT_VIEW (view));
  g_return_if_fail (markdown != NULL);

  r.view = view;
  r.image_func = image_func;
  r.image_data = image_data;
  render_markdown (&r, markdown);
}

static void
render_markdown (Render     *r,
                 const char *markdown)
{
  g_auto(GStrv) lines = NULL;
  GtkTextBuffer *buffer = r->buffer;
  gboolean in_code = FALSE;
  GtkTextTagTable *table;
  g_autoptr(GPtrArray) old_links = g_ptr_array_new ();

  ensure_tags (buffer);
  gtk_text_buffer_set_text (buffer, "", 0);

  /* The last rendering's links go with its text. */
  table = gtk_text_buffer_get_tag_table (buffer);
  gtk_text_tag_table_foreach (table, collect_link_tag_cb, old_links);
  for (guint i = 0; i < old_links->len; i++)
    gtk_text_tag_table_remove (table, g_ptr_array_index (old_links, i));

  gtk_text_buffer_get_end_iter (buffer, &r->end);
  lines = g_strsplit (markdown, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strdup (lines[i]);

      render_line (r, line, &in_code);
    }
}

const char *
fb_markdown_view_link_at (const GtkTextIter *iter)
{
  g_autoptr(GSList) tags = NULL;

  g_return_val_if_fail (iter != NULL, NULL);

  tags = gtk_text_iter_get_tags (iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      const char *address = g_object_get_data (l->data, LINK_KEY);

      if (address != NULL)
        return address;
    }
  return NULL;
}
