/* fb-record-link.c: a link field's record picker, and the words a link shows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-record-link"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-item-list.h"
#include "fb-record-link.h"
#include "fb-template.h"

struct _FbRecordLinkPicker
{
  GtkPopover   parent_instance;

  FbStore     *store;
  char        *template_id;
  FbItemList  *records;
  GtkEditable *search_entry;
  GtkListView *list_view;
};

G_DEFINE_FINAL_TYPE (FbRecordLinkPicker, fb_record_link_picker, GTK_TYPE_POPOVER)

enum {
  CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

char *
fb_record_link_describe (FbStore    *store,
                         const char *id,
                         gboolean   *missing)
{
  g_autoptr(FbItem) item = NULL;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  item = fb_store_get_item (store, id, NULL);
  if (missing != NULL)
    *missing = item == NULL || fb_item_get_deleted (item);
  if (item == NULL)
    return g_strdup (_("The linked record is not here: it was deleted, or has not come from another device yet"));
  if (fb_item_get_deleted (item))
    /* TRANSLATORS: %s is a record's title */
    return g_strdup_printf (_("“%s” was deleted (it is in the Trash)"), fb_item_get_title (item));

  return fb_body_dup_display_title (fb_item_get_body (item));
}

static gboolean
record_of_template_cb (gpointer item,
                       gpointer user_data)
{
  FbRecordLinkPicker *self = user_data;

  return g_strcmp0 (fb_record_body_get_template_id (fb_item_get_body (item)), self->template_id) == 0;
}

static void
search_changed_cb (FbRecordLinkPicker *self)
{
  fb_item_list_set_search (self->records, gtk_editable_get_text (self->search_entry));
}

static void
activate_cb (FbRecordLinkPicker *self,
             guint               position)
{
  g_autoptr(FbItem) item = g_list_model_get_item (G_LIST_MODEL (gtk_list_view_get_model (self->list_view)),
                                                  position);

  if (item == NULL)
    return;
  g_signal_emit (self, signals[CHOSEN], 0, fb_item_get_id (item));
  gtk_popover_popdown (GTK_POPOVER (self));
}

/* Enter in the search entry chooses the first match. */
static void
search_activate_cb (FbRecordLinkPicker *self)
{
  activate_cb (self, 0);
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_item_set_child (list_item, label);
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item)
{
  FbItem *item = gtk_list_item_get_item (list_item);
  g_autofree char *title = fb_body_dup_display_title (fb_item_get_body (item));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (list_item)), title);
}

FbRecordLinkPicker *
fb_record_link_picker_new (FbStore    *store,
                           const char *template_id)
{
  FbRecordLinkPicker *self;
  GtkWidget *box, *scrolled, *search;
  GListModel *model;
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkSelectionModel *selection;

  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  self = g_object_new (FB_TYPE_RECORD_LINK_PICKER, NULL);
  self->store = g_object_ref (store);
  self->template_id = g_strdup (template_id);
  self->records = fb_item_list_new (store, FB_COLLECTION_RECORDS);
  model = G_LIST_MODEL (g_object_ref (self->records));
  if (template_id != NULL)
    model = G_LIST_MODEL (gtk_filter_list_model_new (model,
                                                     GTK_FILTER (gtk_custom_filter_new (record_of_template_cb,
                                                                                        self, NULL))));

  search = gtk_search_entry_new ();
  self->search_entry = GTK_EDITABLE (search);
  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (search), GTK_WIDGET (self));
  g_object_set (search, "placeholder-text", _("Search records"), NULL);
  g_signal_connect_swapped (search, "search-changed", G_CALLBACK (search_changed_cb), self);
  g_signal_connect_swapped (search, "activate", G_CALLBACK (search_activate_cb), self);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), NULL);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (model));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  self->list_view = GTK_LIST_VIEW (gtk_list_view_new (selection, g_object_ref (factory)));
  gtk_list_view_set_single_click_activate (self->list_view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list_view), "navigation-sidebar");
  g_signal_connect_swapped (self->list_view, "activate", G_CALLBACK (activate_cb), self);

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 240);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scrolled), 280);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list_view));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_box_append (GTK_BOX (box), search);
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_popover_set_child (GTK_POPOVER (self), box);
  gtk_popover_set_default_widget (GTK_POPOVER (self), NULL);

  return self;
}

GtkEditable *
fb_record_link_picker_get_search_entry (FbRecordLinkPicker *self)
{
  g_return_val_if_fail (FB_IS_RECORD_LINK_PICKER (self), NULL);

  return self->search_entry;
}

GtkListView *
fb_record_link_picker_get_list_view (FbRecordLinkPicker *self)
{
  g_return_val_if_fail (FB_IS_RECORD_LINK_PICKER (self), NULL);

  return self->list_view;
}

static void
fb_record_link_picker_show (GtkWidget *widget)
{
  FbRecordLinkPicker *self = FB_RECORD_LINK_PICKER (widget);

  GTK_WIDGET_CLASS (fb_record_link_picker_parent_class)->show (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
fb_record_link_picker_dispose (GObject *object)
{
  FbRecordLinkPicker *self = FB_RECORD_LINK_PICKER (object);

  if (self->list_view != NULL)
    g_signal_handlers_disconnect_by_data (self->list_view, self);
  if (self->search_entry != NULL)
    g_signal_handlers_disconnect_by_data (self->search_entry, self);
  gtk_popover_set_child (GTK_POPOVER (self), NULL);
  self->list_view = NULL;
  self->search_entry = NULL;
  g_clear_object (&self->records);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_record_link_picker_parent_class)->dispose (object);
}

static void
fb_record_link_picker_finalize (GObject *object)
{
  FbRecordLinkPicker *self = FB_RECORD_LINK_PICKER (object);

  g_free (self->template_id);

  G_OBJECT_CLASS (fb_record_link_picker_parent_class)->finalize (object);
}

static void
fb_record_link_picker_class_init (FbRecordLinkPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_record_link_picker_dispose;
  object_class->finalize = fb_record_link_picker_finalize;
  widget_class->show = fb_record_link_picker_show;

  /* ::chosen (const char *id): the person picked the record @id. */
  signals[CHOSEN] = g_signal_new ("chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fb_record_link_picker_init (FbRecordLinkPicker *self)
{
}
