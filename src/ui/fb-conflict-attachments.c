/* fb-conflict-attachments.c: the conflict resolver's rows of each side's attachments */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-conflict-attachments"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-attachments.h"
#include "fb-conflict-attachments.h"

/* name → FbAttachment (owned by @list) */
static GHashTable *
by_name (GPtrArray *list)
{
  GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      FbAttachment *attachment = g_ptr_array_index (list, i);

      g_hash_table_insert (table, attachment->name, attachment);
    }
  return table;
}

static GtkWidget *
make_cell (const FbAttachment    *attachment,
           gboolean               differs,
           gboolean               is_server,
           const FbBodyDiffWords *words)
{
  g_autofree char *text = NULL;
  GtkWidget *label;

  if (attachment != NULL)
    {
      g_autofree char *size = g_format_size (attachment->length);

      /* TRANSLATORS: an attachment in the conflict resolver: its name, then its size */
      text = g_strdup_printf (_("%s (%s)"), attachment->name, size);
    }
  label = gtk_label_new (text != NULL ? text : "");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "fb-conflict-cell");
  gtk_widget_add_css_class (label, "fb-conflict-attachment");
  gtk_widget_add_css_class (label, is_server ? "server" : "mine");
  if (attachment == NULL)
    {
      gtk_widget_add_css_class (label, "missing");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      words->missing[is_server ? 1 : 0], -1);
    }
  else if (differs)
    {
      gtk_widget_add_css_class (label, "differs");
      gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      words->differs[is_server ? 1 : 0], -1);
    }
  return label;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* Adds, from @first_row on, a heading "Attachments" and one row per file
 * name either side holds: the file on each side (name and size), blank
 * and marked where a side lacks it, marked where the two differ (another
 * digest). Nothing when neither side has attachments. Returns the next
 * free row. */
int
fb_conflict_attachments_fill (GtkGrid               *grid,
                              int                    first_row,
                              JsonObject            *mine,
                              gboolean               mine_present,
                              JsonObject            *server,
                              gboolean               server_present,
                              const FbBodyDiffWords *words)
{
  g_autoptr(GPtrArray) mine_list = mine_present && mine != NULL ? fb_body_list_attachments (mine) : NULL;
  g_autoptr(GPtrArray) server_list = server_present && server != NULL ? fb_body_list_attachments (server) : NULL;
  g_autoptr(GHashTable) mine_by_name = by_name (mine_list);
  g_autoptr(GHashTable) server_by_name = by_name (server_list);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;
  int row = first_row;

  g_hash_table_iter_init (&iter, mine_by_name);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_hash_table_iter_init (&iter, server_by_name);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (mine_by_name, key))
      g_ptr_array_add (names, key);
  if (names->len == 0)
    return row;
  g_ptr_array_sort (names, compare_names);

  for (int col = 0; col < 2; col++)
    {
      GtkWidget *label;

      if (!(col == 0 ? mine_present : server_present))
        continue;
      label = gtk_label_new (_("Attachments"));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "caption-heading");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "fb-conflict-field-name");
      gtk_grid_attach (grid, label, col, row, 1, 1);
    }
  row++;

  for (guint i = 0; i < names->len; i++)
    {
      FbAttachment *m = g_hash_table_lookup (mine_by_name, names->pdata[i]);
      FbAttachment *s = g_hash_table_lookup (server_by_name, names->pdata[i]);
      gboolean differs = m != NULL && s != NULL && g_strcmp0 (m->digest, s->digest) != 0;

      if (mine_present)
        gtk_grid_attach (grid, make_cell (m, differs, FALSE, words), 0, row, 1, 1);
      if (server_present)
        gtk_grid_attach (grid, make_cell (s, differs, TRUE, words), 1, row, 1, 1);
      row++;
    }
  return row;
}
