/* fb-template-link-row.c: the template editor's choice of which template a link field points to */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-template-link-row"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-item-body.h"
#include "fb-template-link-row.h"
#include "fb-template.h"

/* The ids in the row's order, NULL first (any template). */
#define IDS_KEY "fb-template-ids"

AdwComboRow *
fb_template_link_row_new (FbStore    *store,
                          const char *template_id)
{
  AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  guint selected = 0;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Links To"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Which records its picker offers"));

  gtk_string_list_append (labels, _("Records of any template"));
  g_ptr_array_add (ids, NULL);

  templates = fb_store_list_templates (store, &error);
  if (templates == NULL)
    g_warning ("Could not list the templates: %s", error->message);
  for (guint i = 0; templates != NULL && i < templates->len; i++)
    {
      FbItem *item = g_ptr_array_index (templates, i);
      g_autofree char *name = fb_body_dup_display_title (fb_item_get_body (item));

      if (g_strcmp0 (fb_item_get_id (item), template_id) == 0)
        selected = ids->len;
      gtk_string_list_append (labels, name);
      g_ptr_array_add (ids, g_strdup (fb_item_get_id (item)));
    }

  /* Kept as it is: nothing the person chose is dropped behind their back. */
  if (template_id != NULL && selected == 0)
    {
      selected = ids->len;
      gtk_string_list_append (labels, _("A template that was deleted"));
      g_ptr_array_add (ids, g_strdup (template_id));
    }

  adw_combo_row_set_model (row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (row, selected);
  g_object_set_data_full (G_OBJECT (row), IDS_KEY, ids, (GDestroyNotify) g_ptr_array_unref);

  return row;
}

const char *
fb_template_link_row_get_template_id (AdwComboRow *row)
{
  GPtrArray *ids;
  guint selected;

  g_return_val_if_fail (ADW_IS_COMBO_ROW (row), NULL);

  ids = g_object_get_data (G_OBJECT (row), IDS_KEY);
  selected = adw_combo_row_get_selected (row);
  return ids != NULL && selected < ids->len ? g_ptr_array_index (ids, selected) : NULL;
}
