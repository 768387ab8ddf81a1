/* fb-item-row.c: one row of the item list: title, snippet and time */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-item-row"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-item-row.h"
#include "fb-item-sort.h"
#include "fb-markdown-text.h"
#include "fb-search-highlight.h"
#include "fb-ui-util.h"

struct _FbItemRow
{
  GtkWidget  parent_instance;

  GtkLabel  *title_label;
  GtkLabel  *snippet_label;
  GtkLabel  *time_label;
  GtkImage  *state_icon;
  GtkImage  *kind_icon;
  GtkImage  *pin_icon;

  FbItem    *item;
  /* While searching: where it matched (fb-search-highlight.c), or NULL. */
  GRegex    *search;
  gboolean   show_kind;
  /* What a record's template finds wrong with it, in words, or NULL. */
  char      *problems;
};

G_DEFINE_FINAL_TYPE (FbItemRow, fb_item_row, GTK_TYPE_WIDGET)

GtkWidget *
fb_item_row_new (void)
{
  return g_object_new (FB_TYPE_ITEM_ROW, NULL);
}

/* While searching, the first line of the text where the search matched
 * (without Markdown marks), so that the row shows why it is there. */
static char *
note_matching_line (FbItem *item,
                    GRegex *search)
{
  g_auto(GStrv) lines = g_strsplit (fb_item_get_text (item), "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = fb_markdown_line_to_plain (g_strstrip (lines[i]));

      if (*line != '\0' && g_regex_match (search, line, 0, NULL))
        return g_steal_pointer (&line);
    }

  return NULL;
}

static char *
note_snippet (FbItem *item)
{
  g_auto(GStrv) lines = g_strsplit (fb_item_get_text (item), "\n", -1);
  g_autofree char *title = g_strstrip (g_strdup (fb_item_get_title (item)));

  /* The words without their Markdown marks (fb-markdown-text.c). */
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = fb_markdown_line_to_plain (g_strstrip (lines[i]));

      /* A first heading that repeats the title tells nothing new. */
      if (*line != '\0' && g_utf8_collate (line, title) != 0 &&
          !(g_str_has_prefix (title, line) && lines[i][0] == '#'))
        return g_steal_pointer (&line);
    }

  return g_strdup ("");
}

static char *
record_snippet (FbItem *item)
{
  JsonObject *body = fb_item_get_body (item);
  JsonObject *fields = fb_body_get_object (body, "fields");
  GString *snippet = g_string_new (NULL);
  g_autoptr(GPtrArray) names = NULL;
  guint n_shown = 0;

  if (fields == NULL)
    return g_string_free (snippet, FALSE);

  /* In the order the editor shows them. */
  names = fb_record_body_get_field_names (body);
  for (guint i = 0; i < names->len && n_shown < 4; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *value = NULL;

      value = fb_json_value_to_text (json_object_get_member (fields, name));
      if (*value == '\0')
        continue;

      if (n_shown > 0)
        g_string_append (snippet, " · ");
      /* TRANSLATORS: a record field in a one-line preview: name, then value */
      g_string_append_printf (snippet, _("%s: %s"), name, value);
      n_shown++;
    }

  /* Newlines in a value would break the one-line row. */
  g_strdelimit (snippet->str, "\n\r\t", ' ');

  return g_string_free (snippet, FALSE);
}

char *
fb_item_make_snippet (FbItem *item)
{
  g_return_val_if_fail (FB_IS_ITEM (item), NULL);

  if (g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) == 0)
    return record_snippet (item);

  return note_snippet (item);
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_new_from_unix_local (ms / 1000);

  if (then == NULL)
    return g_strdup ("");

  if (g_date_time_get_year (now) == g_date_time_get_year (then) &&
      g_date_time_get_day_of_year (now) == g_date_time_get_day_of_year (then))
    /* TRANSLATORS: time of an item changed today, see strftime(3) */
    return g_date_time_format (then, C_("item time", "%H:%M"));

  if (g_date_time_get_year (now) == g_date_time_get_year (then))
    /* TRANSLATORS: date of an item changed this year, see strftime(3) */
    return g_date_time_format (then, C_("item time", "%e %b"));

  /* TRANSLATORS: date of an item changed in another year, see strftime(3) */
  return g_date_time_format (then, C_("item time", "%e %b %Y"));
}

/* Only what needs the person: a conflict to resolve, or an edit the server
 * refused. Pending edits are normal and go on their own. */
static void
update_state_icon (FbItemRow *self)
{
  const char *icon = NULL;
  const char *tooltip = NULL;
  const char *sync_error = NULL;

  if (self->item != NULL)
    sync_error = fb_item_get_sync_error (self->item);

  if (self->item != NULL && fb_item_get_state (self->item) == FB_ITEM_STATE_CONFLICT)
    {
      icon = "dialog-warning-symbolic";
      tooltip = _("Changed here and on the server: choose which version to keep");
    }
  else if (sync_error != NULL && *sync_error != '\0')
    {
      icon = "dialog-error-symbolic";
      tooltip = sync_error;
    }
  else if (self->problems != NULL)
    {
      icon = "emblem-important-symbolic";
      tooltip = self->problems;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->state_icon), icon != NULL);
  if (icon == NULL)
    return;

  gtk_image_set_from_icon_name (self->state_icon, icon);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->state_icon), tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
}

static void
update_kind_icon (FbItemRow *self)
{
  gboolean record;
  const char *kind;

  gtk_widget_set_visible (GTK_WIDGET (self->kind_icon), self->show_kind && self->item != NULL);
  if (!self->show_kind || self->item == NULL)
    return;

  record = g_strcmp0 (fb_item_get_collection (self->item), FB_COLLECTION_RECORDS) == 0;
  kind = record ? _("Record") : _("Note");
  gtk_image_set_from_icon_name (self->kind_icon, record ? "x-office-spreadsheet-symbolic"
                                                        : "accessories-text-editor-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->kind_icon), kind);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, kind, -1);
}

gboolean
fb_item_row_get_pinned (FbItemRow *self)
{
  g_return_val_if_fail (FB_IS_ITEM_ROW (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->pin_icon));
}

void
fb_item_row_set_item (FbItemRow *self,
                      FbItem    *item)
{
  g_return_if_fail (FB_IS_ITEM_ROW (self));
  g_return_if_fail (item == NULL || FB_IS_ITEM (item));

  if (!g_set_object (&self->item, item))
    return;

  update_state_icon (self);
  gtk_widget_set_visible (GTK_WIDGET (self->pin_icon), item != NULL && fb_item_get_pinned (item));

  if (item == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->snippet_label, "");
      gtk_label_set_text (self->time_label, "");
    }
  else
    {
      g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (item));
      g_autofree char *snippet = fb_item_make_snippet (item);
      g_autofree char *time = format_time (fb_item_get_updated_at (item));

      gtk_label_set_text (self->time_label, time);
      if (self->search != NULL)
        {
          g_autofree char *title_markup = fb_search_highlight_markup (title, self->search);
          g_autofree char *snippet_markup = NULL;

          if (!g_regex_match (self->search, snippet, 0, NULL) &&
              g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_NOTES) == 0)
            {
              char *line = note_matching_line (item, self->search);

              if (line != NULL)
                {
                  g_free (snippet);
                  snippet = line;
                }
            }
          snippet_markup = fb_search_highlight_markup (snippet, self->search);
          gtk_label_set_markup (self->title_label, title_markup);
          gtk_label_set_markup (self->snippet_label, snippet_markup);
        }
      else
        {
          gtk_label_set_text (self->title_label, title);
          /* Shown even when empty: rows of one height read more calmly. */
          gtk_label_set_text (self->snippet_label, snippet);
        }
    }

  update_kind_icon (self);
}

void
fb_item_row_set_search (FbItemRow *self,
                        GRegex    *search,
                        gboolean   show_kind)
{
  FbItem *item;

  g_return_if_fail (FB_IS_ITEM_ROW (self));

  if (self->search == search && self->show_kind == show_kind)
    return;

  g_clear_pointer (&self->search, g_regex_unref);
  self->search = search != NULL ? g_regex_ref (search) : NULL;
  self->show_kind = show_kind;

  /* Shown again with the new highlight. */
  item = g_steal_pointer (&self->item);
  fb_item_row_set_item (self, item);
  g_clear_object (&item);
}

void
fb_item_row_set_problems (FbItemRow  *self,
                          const char *problems)
{
  g_return_if_fail (FB_IS_ITEM_ROW (self));

  if (g_strcmp0 (self->problems, problems) == 0)
    return;
  g_free (self->problems);
  self->problems = g_strdup (problems);
  update_state_icon (self);
}

const char *
fb_item_row_get_problems (FbItemRow *self)
{
  g_return_val_if_fail (FB_IS_ITEM_ROW (self), NULL);

  return self->problems;
}

FbItem *
fb_item_row_get_item (FbItemRow *self)
{
  g_return_val_if_fail (FB_IS_ITEM_ROW (self), NULL);

  return self->item;
}

const char *
fb_item_row_get_title (FbItemRow *self)
{
  g_return_val_if_fail (FB_IS_ITEM_ROW (self), NULL);

  return gtk_label_get_text (self->title_label);
}

static void
fb_item_row_dispose (GObject *object)
{
  FbItemRow *self = FB_ITEM_ROW (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_ITEM_ROW);
  /* The template's root box has no id, so dispose_template leaves it. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->item);
  g_clear_pointer (&self->problems, g_free);
  g_clear_pointer (&self->search, g_regex_unref);

  G_OBJECT_CLASS (fb_item_row_parent_class)->dispose (object);
}

static void
fb_item_row_class_init (FbItemRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_item_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldbook/Fieldbook/ui/fb-item-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FbItemRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, FbItemRow, snippet_label);
  gtk_widget_class_bind_template_child (widget_class, FbItemRow, time_label);
  gtk_widget_class_bind_template_child (widget_class, FbItemRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, FbItemRow, kind_icon);
  gtk_widget_class_bind_template_child (widget_class, FbItemRow, pin_icon);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbitemrow");
}

static void
fb_item_row_init (FbItemRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
