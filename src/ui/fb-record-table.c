/* fb-record-table.c: one template's records as a table: a column per field, sortable, searchable */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-record-table"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-account.h"
#include "fb-item-list.h"
#include "fb-record-table.h"
#include "fb-template.h"

struct _FbRecordTable
{
  AdwWindow          parent_instance;

  AdwWindowTitle    *window_title;
  GtkSearchEntry    *search_entry;
  GtkToggleButton   *problems_toggle;
  GtkColumnView     *view;

  FbStore           *store;
  char              *template_id;
  JsonObject        *template;
  FbItemList        *records;
  GtkSingleSelection *selection;
  /* The column widths a person set, kept in "column-widths" when the
   * table closes; NULL without the installed schema. */
  GSettings         *settings;
  gboolean           widths_changed;
  /* While asking the view's sorter which column sorts (see
   * find_sort_column ()): the first column it asked, or NULL. */
  gboolean           probing;
  struct _Column    *probed;
};

G_DEFINE_FINAL_TYPE (FbRecordTable, fb_record_table, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_TEMPLATE_ID,
  N_PROPS
};

enum {
  OPEN_ITEM,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* What a column shows: a field (NULL name: the title) of a type. */
typedef struct _Column
{
  FbRecordTable *table;
  char          *name;
  FbFieldType    type;
} Column;

static void
column_free (gpointer data)
{
  Column *column = data;

  g_free (column->name);
  g_free (column);
}

static JsonNode *
value_of (FbItem     *item,
          const char *name)
{
  JsonObject *fields = fb_body_get_object (fb_item_get_body (item), "fields");

  return fields != NULL ? json_object_get_member (fields, name) : NULL;
}

static char *
cell_text (Column *column,
           FbItem *item)
{
  if (column->name == NULL)
    return fb_body_dup_display_title (fb_item_get_body (item));

  return fb_field_value_to_text (column->type, value_of (item, column->name));
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               Column                   *column)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label),
                        column->type == FB_FIELD_INTEGER || column->type == FB_FIELD_DECIMAL ? 1 : 0);
  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              Column                   *column)
{
  FbItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = cell_text (column, item);

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

/* The records are sorted in SQL (fb-record-query.c); a column's sorter
 * only says that it sorts. GTK 4.8 has no call for the view's sort
 * column, so the view's sorter is asked to compare two objects: the
 * first column it asks is the primary one, and the answer's sign tells
 * the direction. */
static int
compare_cb (gconstpointer a,
            gconstpointer b,
            gpointer      user_data)
{
  Column *column = user_data;

  if (column->table->probing && column->table->probed == NULL)
    column->table->probed = column;
  return -1;
}

static Column *
find_sort_column (FbRecordTable *self,
                  gboolean      *descending)
{
  g_autoptr(GObject) a = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(GObject) b = g_object_new (G_TYPE_OBJECT, NULL);
  GtkOrdering order;

  *descending = FALSE;
  if (self->view == NULL)
    return NULL;
  self->probing = TRUE;
  self->probed = NULL;
  order = gtk_sorter_compare (gtk_column_view_get_sorter (self->view), a, b);
  self->probing = FALSE;

  *descending = order == GTK_ORDERING_LARGER;
  return order != GTK_ORDERING_EQUAL ? self->probed : NULL;
}

/* The rows for the sort column, the problems toggle and the template as
 * they are now. */
static void
update_query (FbRecordTable *self)
{
  g_autoptr(FbRecordQuery) query = fb_record_query_new (self->template_id);
  gboolean descending = FALSE;
  Column *column;

  /* The view's columns go while it is disposed, and the sorter says so. */
  if (self->records == NULL || self->view == NULL)
    return;
  column = find_sort_column (self, &descending);
  if (column != NULL)
    fb_record_query_set_sort (query, column->name, column->type, descending);
  if (gtk_toggle_button_get_active (self->problems_toggle))
    fb_record_query_set_problems_only (query, self->template);
  fb_item_list_set_record_query (self->records, query);
}

/* A column's key in "column-widths": the template's id (never a "/" in
 * it), "/", the field's name; the title's has no name. */
static char *
width_key (FbRecordTable *self,
           const char    *name)
{
  return g_strconcat (self->template_id, "/", name, NULL);
}

static void
width_changed_cb (FbRecordTable *self)
{
  self->widths_changed = TRUE;
}

/* The widths of this table's columns into the setting, the other
 * templates' kept; a column the person never resized stays out. */
static void
save_widths (FbRecordTable *self)
{
  g_autoptr(GVariant) widths = NULL;
  g_autofree char *prefix = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{si}"));
  GListModel *columns = gtk_column_view_get_columns (self->view);
  GVariantIter iter;
  const char *key;
  gint32 width;

  if (self->settings == NULL || !self->widths_changed)
    return;
  self->widths_changed = FALSE;

  prefix = width_key (self, "");
  widths = g_settings_get_value (self->settings, "column-widths");
  g_variant_iter_init (&iter, widths);
  while (g_variant_iter_next (&iter, "{&si}", &key, &width))
    if (!g_str_has_prefix (key, prefix))
      g_variant_builder_add (&builder, "{si}", key, width);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) view_column = g_list_model_get_item (columns, i);
      Column *column = g_object_get_data (G_OBJECT (view_column), "fb-column");
      int fixed = gtk_column_view_column_get_fixed_width (view_column);
      g_autofree char *column_key = width_key (self, column->name != NULL ? column->name : "");

      if (fixed > 0)
        g_variant_builder_add (&builder, "{si}", column_key, fixed);
    }

  g_settings_set_value (self->settings, "column-widths", g_variant_builder_end (&builder));
}

static void
add_column (FbRecordTable *self,
            const char    *title,
            const char    *name,
            FbFieldType    type)
{
  Column *column = g_new0 (Column, 1);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;
  g_autoptr(GtkSorter) sorter = NULL;
  g_autofree char *key = NULL;
  gint32 width;

  column->table = self;
  column->name = g_strdup (name);
  column->type = type;
  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), column);
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), column);

  view_column = gtk_column_view_column_new (title, g_object_ref (factory));
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_column_set_expand (view_column, name == NULL);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cb, column, NULL));
  gtk_column_view_column_set_sorter (view_column, sorter);
  g_object_set_data_full (G_OBJECT (view_column), "fb-column", column, column_free);

  key = width_key (self, name != NULL ? name : "");
  if (self->settings != NULL)
    {
      g_autoptr(GVariant) widths = g_settings_get_value (self->settings, "column-widths");

      if (g_variant_lookup (widths, key, "i", &width) && width > 0)
        gtk_column_view_column_set_fixed_width (view_column, width);
    }
  g_signal_connect_object (view_column, "notify::fixed-width", G_CALLBACK (width_changed_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_column_view_append_column (self->view, view_column);
}

static void
search_changed_cb (FbRecordTable *self)
{
  fb_item_list_set_search (self->records, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
problems_toggled_cb (FbRecordTable *self)
{
  update_query (self);
}

static void
sort_changed_cb (FbRecordTable *self)
{
  update_query (self);
}

static void
row_activated_cb (FbRecordTable *self,
                  guint          position)
{
  g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (self->records), position);

  if (item != NULL)
    g_signal_emit (self, signals[OPEN_ITEM], 0, item);
}

static void
template_changed_cb (FbRecordTable *self,
                     FbItem        *item,
                     FbStore       *store)
{
  /* The records' problems depend on the template: filter again. */
  if (g_strcmp0 (fb_item_get_id (item), self->template_id) != 0 || fb_item_get_deleted (item))
    return;

  g_clear_pointer (&self->template, json_object_unref);
  self->template = fb_body_copy (fb_item_get_body (item));
  if (gtk_toggle_button_get_active (self->problems_toggle))
    update_query (self);
}

FbRecordTable *
fb_record_table_new (FbStore    *store,
                     const char *template_id)
{
  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (template_id != NULL, NULL);

  return g_object_new (FB_TYPE_RECORD_TABLE, "store", store, "template-id", template_id, NULL);
}

GtkColumnView *
fb_record_table_get_view (FbRecordTable *self)
{
  g_return_val_if_fail (FB_IS_RECORD_TABLE (self), NULL);

  return self->view;
}

GtkEditable *
fb_record_table_get_search_entry (FbRecordTable *self)
{
  g_return_val_if_fail (FB_IS_RECORD_TABLE (self), NULL);

  return GTK_EDITABLE (self->search_entry);
}

GtkToggleButton *
fb_record_table_get_problems_toggle (FbRecordTable *self)
{
  g_return_val_if_fail (FB_IS_RECORD_TABLE (self), NULL);

  return self->problems_toggle;
}

char *
fb_record_table_dup_cell (FbRecordTable *self,
                          guint          position,
                          guint          column)
{
  g_autoptr(FbItem) item = NULL;
  g_autoptr(GtkColumnViewColumn) view_column = NULL;

  g_return_val_if_fail (FB_IS_RECORD_TABLE (self), NULL);

  item = g_list_model_get_item (G_LIST_MODEL (self->records), position);
  view_column = g_list_model_get_item (gtk_column_view_get_columns (self->view), column);
  if (item == NULL || view_column == NULL)
    return NULL;

  return cell_text (g_object_get_data (G_OBJECT (view_column), "fb-column"), item);
}

static void
fb_record_table_constructed (GObject *object)
{
  FbRecordTable *self = FB_RECORD_TABLE (object);
  g_autoptr(FbItem) template = NULL;
  g_autofree char *title = NULL;
  guint n;

  G_OBJECT_CLASS (fb_record_table_parent_class)->constructed (object);

  self->settings = fb_settings_new_if_installed ();
  if (self->settings != NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;

      g_object_get (self->settings, "settings-schema", &schema, NULL);
      if (!g_settings_schema_has_key (schema, "column-widths"))
        g_clear_object (&self->settings);
    }

  template = fb_store_get_item (self->store, self->template_id, NULL);
  self->template = template != NULL ? fb_body_copy (fb_item_get_body (template)) : fb_template_body_new ("");
  title = fb_body_dup_display_title (self->template);
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  g_signal_connect_object (self->store, "item-changed", G_CALLBACK (template_changed_cb),
                           self, G_CONNECT_SWAPPED);

  /* The list's own lazy model, searched with the full-text index, as
   * this template's records sorted in SQL by the view's sort column. */
  self->records = fb_item_list_new (self->store, FB_COLLECTION_RECORDS);
  update_query (self);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->records)));
  gtk_column_view_set_model (self->view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (gtk_column_view_get_sorter (self->view), "changed",
                           G_CALLBACK (sort_changed_cb), self, G_CONNECT_SWAPPED);

  add_column (self, _("Title"), NULL, FB_FIELD_TEXT);
  n = fb_template_get_n_fields (self->template);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *field = fb_template_get_field (self->template, i);
      const char *name = fb_template_field_get_name (field);
      const char *unit = fb_template_field_get_unit (field);
      g_autofree char *heading = *unit != '\0' ? g_strdup_printf ("%s (%s)", name, unit) : g_strdup (name);

      if (field != NULL && *name != '\0')
        add_column (self, heading, name, fb_template_field_get_type (field));
    }
}

static void
fb_record_table_dispose (GObject *object)
{
  FbRecordTable *self = FB_RECORD_TABLE (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->view != NULL)
    save_widths (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_RECORD_TABLE);
  g_clear_object (&self->selection);
  g_clear_object (&self->records);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_record_table_parent_class)->dispose (object);
}

static void
fb_record_table_finalize (GObject *object)
{
  FbRecordTable *self = FB_RECORD_TABLE (object);

  g_clear_pointer (&self->template, json_object_unref);
  g_free (self->template_id);

  G_OBJECT_CLASS (fb_record_table_parent_class)->finalize (object);
}

static void
fb_record_table_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FbRecordTable *self = FB_RECORD_TABLE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_TEMPLATE_ID:
      self->template_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_record_table_class_init (FbRecordTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fb_record_table_constructed;
  object_class->dispose = fb_record_table_dispose;
  object_class->finalize = fb_record_table_finalize;
  object_class->set_property = fb_record_table_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TEMPLATE_ID] =
    g_param_spec_string ("template-id", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[OPEN_ITEM] = g_signal_new ("open-item", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, FB_TYPE_ITEM);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/ui/fb-record-table.ui");
  gtk_widget_class_bind_template_child (widget_class, FbRecordTable, window_title);
  gtk_widget_class_bind_template_child (widget_class, FbRecordTable, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FbRecordTable, problems_toggle);
  gtk_widget_class_bind_template_child (widget_class, FbRecordTable, view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, problems_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fb_record_table_init (FbRecordTable *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
