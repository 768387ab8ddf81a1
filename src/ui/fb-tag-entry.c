/* fb-tag-entry.c: the tags of an item as removable chips, and an entry that adds them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-tag-entry"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "fb-tag-entry.h"

struct _FbTagEntry
{
  GtkWidget           parent_instance;

  GtkFlowBox         *flow;
  GtkEntry           *entry;
  GtkEntryCompletion *completion;
  GtkListStore       *known;
  GPtrArray          *tags;   /* char *, as shown */
  GPtrArray          *chips;  /* GtkFlowBoxChild *, parallel to tags */
};

G_DEFINE_FINAL_TYPE (FbTagEntry, fb_tag_entry, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
fb_tag_entry_new (void)
{
  return g_object_new (FB_TYPE_TAG_ENTRY, NULL);
}

static int
find_tag (FbTagEntry *self,
          const char *name)
{
  for (guint i = 0; i < self->tags->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (self->tags, i), name) == 0)
      return (int) i;

  return -1;
}

static void
chip_clicked_cb (GtkButton  *button,
                 FbTagEntry *self)
{
  const char *name = g_object_get_data (G_OBJECT (button), "fb-tag");
  g_autofree char *copy = g_strdup (name);

  fb_tag_entry_remove (self, copy);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static GtkWidget *
chip_new (FbTagEntry *self,
          const char *name)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (name);
  GtkWidget *icon = gtk_image_new_from_icon_name ("window-close-symbolic");
  GtkWidget *child = gtk_flow_box_child_new ();
  g_autofree char *description = NULL;

  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 24);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "fb-tag");
  /* Translators: the tooltip of a tag's chip under a note's title. */
  description = g_strdup_printf (_("Remove the tag “%s”"), name);
  gtk_widget_set_tooltip_text (button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  g_object_set_data_full (G_OBJECT (button), "fb-tag", g_strdup (name), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (chip_clicked_cb), self, 0);

  gtk_widget_set_focusable (child, FALSE);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), button);

  return child;
}

static void
insert_tag (FbTagEntry *self,
            const char *name)
{
  GtkWidget *chip = chip_new (self, name);

  g_ptr_array_add (self->tags, g_strdup (name));
  g_ptr_array_add (self->chips, chip);
  /* Before the entry, which stays last. */
  gtk_flow_box_insert (self->flow, chip, (int) self->chips->len - 1);
}

static void
remove_at (FbTagEntry *self,
           guint       index)
{
  gtk_flow_box_remove (self->flow, g_ptr_array_index (self->chips, index));
  g_ptr_array_remove_index (self->chips, index);
  g_ptr_array_remove_index (self->tags, index);
}

void
fb_tag_entry_set_tags (FbTagEntry *self,
                       JsonArray  *tags)
{
  guint n;

  g_return_if_fail (FB_IS_TAG_ENTRY (self));

  while (self->tags->len > 0)
    remove_at (self, self->tags->len - 1);

  n = tags != NULL ? json_array_get_length (tags) : 0;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (tags, i);
      const char *name;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        continue;
      name = json_node_get_string (node);
      if (*name != '\0' && find_tag (self, name) < 0)
        insert_tag (self, name);
    }
}

JsonArray *
fb_tag_entry_dup_tags (FbTagEntry *self)
{
  JsonArray *tags;

  g_return_val_if_fail (FB_IS_TAG_ENTRY (self), NULL);

  tags = json_array_new ();
  for (guint i = 0; i < self->tags->len; i++)
    json_array_add_string_element (tags, g_ptr_array_index (self->tags, i));

  return tags;
}

gboolean
fb_tag_entry_add (FbTagEntry *self,
                  const char *name)
{
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (FB_IS_TAG_ENTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  /* A quote could not be searched for (tag:"…"). */
  stripped = g_strstrip (g_strdelimit (g_strdup (name), "\"\t\r\n", ' '));
  if (*stripped == '\0' || find_tag (self, stripped) >= 0)
    return FALSE;

  insert_tag (self, stripped);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

gboolean
fb_tag_entry_remove (FbTagEntry *self,
                     const char *name)
{
  int index;

  g_return_val_if_fail (FB_IS_TAG_ENTRY (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  index = find_tag (self, name);
  if (index < 0)
    return FALSE;

  remove_at (self, (guint) index);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}

void
fb_tag_entry_set_known (FbTagEntry         *self,
                        const char * const *names)
{
  g_return_if_fail (FB_IS_TAG_ENTRY (self));

  gtk_list_store_clear (self->known);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    gtk_list_store_insert_with_values (self->known, NULL, -1, 0, names[i], -1);
}

GtkEditable *
fb_tag_entry_get_editable (FbTagEntry *self)
{
  g_return_val_if_fail (FB_IS_TAG_ENTRY (self), NULL);

  return GTK_EDITABLE (self->entry);
}

GtkWidget *
fb_tag_entry_get_chip (FbTagEntry *self,
                       const char *name)
{
  int index;

  g_return_val_if_fail (FB_IS_TAG_ENTRY (self), NULL);

  index = find_tag (self, name);
  if (index < 0)
    return NULL;

  return gtk_flow_box_child_get_child (g_ptr_array_index (self->chips, index));
}

/* Adds what is typed before the last comma (all of it with @all). */
static void
take_typed (FbTagEntry *self,
            gboolean    all)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  const char *last = strrchr (text, ',');
  g_autofree char *rest = NULL;
  g_auto(GStrv) parts = NULL;
  g_autofree char *taken = NULL;

  if (all)
    taken = g_strdup (text);
  else if (last != NULL)
    {
      taken = g_strndup (text, last - text);
      rest = g_strdup (last + 1);
    }
  else
    return;

  parts = g_strsplit (taken, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    fb_tag_entry_add (self, parts[i]);

  gtk_editable_set_text (GTK_EDITABLE (self->entry), rest != NULL ? g_strchug (rest) : "");
}

static void
entry_activate_cb (FbTagEntry *self)
{
  take_typed (self, TRUE);
}

static void
entry_changed_cb (FbTagEntry *self)
{
  if (strchr (gtk_editable_get_text (GTK_EDITABLE (self->entry)), ',') != NULL)
    take_typed (self, FALSE);
}

static gboolean
entry_key_pressed_cb (FbTagEntry            *self,
                      guint                  keyval,
                      guint                  keycode,
                      GdkModifierType        state,
                      GtkEventControllerKey *controller)
{
  if (keyval != GDK_KEY_BackSpace || self->tags->len == 0 ||
      *gtk_editable_get_text (GTK_EDITABLE (self->entry)) != '\0')
    return GDK_EVENT_PROPAGATE;

  remove_at (self, self->tags->len - 1);
  g_signal_emit (self, signals[CHANGED], 0);
  return GDK_EVENT_STOP;
}

/* A picked completion is a tag at once. */
static gboolean
match_selected_cb (FbTagEntry         *self,
                   GtkTreeModel       *model,
                   GtkTreeIter        *iter,
                   GtkEntryCompletion *completion)
{
  g_autofree char *name = NULL;

  gtk_tree_model_get (model, iter, 0, &name, -1);
  fb_tag_entry_add (self, name);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  return TRUE;
}

static gboolean
fb_tag_entry_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (FB_TAG_ENTRY (widget)->entry));
}

static void
fb_tag_entry_dispose (GObject *object)
{
  FbTagEntry *self = FB_TAG_ENTRY (object);

  if (self->flow != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->flow));
      self->flow = NULL;
    }
  g_clear_object (&self->completion);
  g_clear_object (&self->known);

  G_OBJECT_CLASS (fb_tag_entry_parent_class)->dispose (object);
}

static void
fb_tag_entry_finalize (GObject *object)
{
  FbTagEntry *self = FB_TAG_ENTRY (object);

  g_ptr_array_unref (self->tags);
  g_ptr_array_unref (self->chips);

  G_OBJECT_CLASS (fb_tag_entry_parent_class)->finalize (object);
}

static void
fb_tag_entry_class_init (FbTagEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_tag_entry_dispose;
  object_class->finalize = fb_tag_entry_finalize;
  widget_class->grab_focus = fb_tag_entry_grab_focus;

  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fbtagentry");
}

static void
fb_tag_entry_init (FbTagEntry *self)
{
  GtkEventController *controller;
  GtkWidget *entry_child;

  self->tags = g_ptr_array_new_with_free_func (g_free);
  self->chips = g_ptr_array_new ();

  self->flow = GTK_FLOW_BOX (gtk_flow_box_new ());
  gtk_flow_box_set_selection_mode (self->flow, GTK_SELECTION_NONE);
  gtk_flow_box_set_homogeneous (self->flow, FALSE);
  gtk_flow_box_set_max_children_per_line (self->flow, 32);
  gtk_flow_box_set_column_spacing (self->flow, 6);
  gtk_flow_box_set_row_spacing (self->flow, 6);
  gtk_widget_set_parent (GTK_WIDGET (self->flow), GTK_WIDGET (self));

  self->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->entry, _("Add a tag…"));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 12);
  gtk_widget_set_hexpand (GTK_WIDGET (self->entry), TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->entry), "fb-tag-entry");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tags"), -1);
  g_signal_connect_object (self->entry, "activate", G_CALLBACK (entry_activate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->entry, "changed", G_CALLBACK (entry_changed_cb), self,
                           G_CONNECT_SWAPPED);
  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (entry_key_pressed_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), controller);

  self->known = gtk_list_store_new (1, G_TYPE_STRING);
  self->completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (self->completion, GTK_TREE_MODEL (self->known));
  gtk_entry_completion_set_text_column (self->completion, 0);
  gtk_entry_completion_set_minimum_key_length (self->completion, 1);
  gtk_entry_completion_set_inline_selection (self->completion, TRUE);
  g_signal_connect_object (self->completion, "match-selected", G_CALLBACK (match_selected_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_entry_set_completion (self->entry, self->completion);

  entry_child = gtk_flow_box_child_new ();
  gtk_widget_set_focusable (entry_child, FALSE);
  gtk_widget_set_hexpand (entry_child, TRUE);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (entry_child), GTK_WIDGET (self->entry));
  gtk_flow_box_append (self->flow, entry_child);
}
