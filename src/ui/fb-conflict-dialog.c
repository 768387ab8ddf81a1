/* fb-conflict-dialog.c: steps through conflicts, shows both sides aligned, resolves them */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-conflict-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-body-diff.h"
#include "fb-conflict-attachments.h"
#include "fb-conflict-dialog.h"
#include "fb-ui-util.h"

struct _FbConflictDialog
{
  AdwWindow        parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkButton       *previous_button;
  GtkButton       *next_button;
  GtkStack        *stack;
  GtkLabel        *summary_label;
  GtkGrid         *grid;
  GtkScrolledWindow *scroller;
  GtkButton       *keep_mine_button;
  GtkButton       *keep_both_button;
  GtkButton       *use_server_button;
  GtkButton       *close_button;

  FbStore         *store;
  FbSyncManager   *manager;    /* nullable: fetches files Keep Both needs */
  GCancellable    *fetching;   /* while they come; NULL otherwise */
  gulong           item_changed_id;
  GPtrArray       *conflicts;  /* FbItem, oldest first */
  guint            index;
  /* Ids of the conflicts that went away while open; one that comes back
   * (its Keep Mine collided again) leaves it, so none counts twice. */
  GHashTable      *resolved;
  gboolean         resolving;
  int              n_rows;
};

G_DEFINE_FINAL_TYPE (FbConflictDialog, fb_conflict_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Building the grid ---- */

static void
clear_grid (FbConflictDialog *self)
{
  fb_body_diff_clear (self->grid);
  self->n_rows = 0;
}

static GtkWidget *
make_deleted_notice (const char *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *image = gtk_image_new_from_icon_name ("user-trash-symbolic");
  GtkWidget *label = gtk_label_new (text);

  gtk_image_set_pixel_size (GTK_IMAGE (image), 32);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-4");
  gtk_box_append (GTK_BOX (box), image);
  gtk_box_append (GTK_BOX (box), label);
  gtk_widget_set_valign (box, GTK_ALIGN_START);
  gtk_widget_add_css_class (box, "fb-conflict-deleted");
  gtk_widget_add_css_class (box, "dim-label");
  return box;
}

/* Mine, or the server's when mine has none (mine was deleted, say). */
static char *
display_title (FbItem *item)
{
  JsonObject *server = fb_item_get_server_body (item);

  if (*fb_item_get_title (item) == '\0' && *fb_body_get_string (server, "title") != '\0')
    return fb_body_dup_display_title (server);

  return fb_body_dup_display_title (fb_item_get_body (item));
}

static void
show_item (FbConflictDialog *self,
           FbItem           *item)
{
  JsonObject *mine = fb_item_get_body (item);
  JsonObject *server = fb_item_get_server_body (item);
  gboolean mine_present = !fb_item_get_deleted (item);
  gboolean server_present = !fb_item_get_server_deleted (item) && server != NULL;
  gboolean is_note = g_strcmp0 (fb_item_get_collection (item), FB_COLLECTION_RECORDS) != 0;
  g_autofree char *summary = NULL;
  g_autofree char *title = display_title (item);
  int first_row;

  clear_grid (self);

  if (!mine_present)
    /* Translators: %s is the item's title. */
    summary = g_strdup_printf (_("You deleted “%s” on this device, and it was changed on the server."),
                               title);
  else if (!server_present)
    /* Translators: %s is the item's title. */
    summary = g_strdup_printf (_("“%s” was deleted on the server, and you changed it on this device."),
                               title);
  else
    /* Translators: %s is the item's title. */
    summary = g_strdup_printf (_("“%s” was changed on this device and on the server. "
                                 "Choose which version to keep."),
                               title);
  gtk_label_set_label (self->summary_label, summary);

  first_row = self->n_rows;

  {
    const FbBodyDiffWords words = {
      { _("Not in your version"), _("Not in the server version") },
      { _("Differs from the server version"), _("Differs from your version") },
    };

    self->n_rows = fb_body_diff_fill (self->grid, self->n_rows, mine, mine_present,
                                      server, server_present, is_note, &words);
    self->n_rows = fb_conflict_attachments_fill (self->grid, self->n_rows, mine, mine_present,
                                                 server, server_present, &words);
  }

  if (!mine_present)
    gtk_grid_attach (self->grid, make_deleted_notice (_("You deleted this item")),
                     0, first_row, 1, MAX (self->n_rows - first_row, 1));
  if (!server_present)
    gtk_grid_attach (self->grid, make_deleted_notice (_("Deleted on the server")),
                     1, first_row, 1, MAX (self->n_rows - first_row, 1));

  /* Keeping both makes no sense when one side is gone. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-both",
                                 mine_present && server_present);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->keep_mine_button),
                               mine_present
                               ? _("Keep your version; the server’s changes are replaced")
                               : _("Keep the item deleted everywhere"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->use_server_button),
                               server_present
                               ? _("Take the server’s version; your changes are replaced")
                               : _("Delete the item here too"));

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

static FbItem *
current_item (FbConflictDialog *self)
{
  if (self->conflicts == NULL || self->index >= self->conflicts->len)
    return NULL;
  return g_ptr_array_index (self->conflicts, self->index);
}

static void
update_view (FbConflictDialog *self)
{
  FbItem *item = current_item (self);
  guint total;
  gboolean was_done = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "done") == 0;

  if (item == NULL)
    {
      clear_grid (self);
      adw_window_title_set_subtitle (self->window_title, "");
      gtk_stack_set_visible_child_name (self->stack, "done");
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-mine", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.use-server", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-both", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.previous", FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.next", FALSE);
      if (!was_done)
        gtk_widget_grab_focus (GTK_WIDGET (self->close_button));
      return;
    }

  total = g_hash_table_size (self->resolved) + self->conflicts->len;
  {
    /* Translators: "2 of 5": the conflict shown and how many there are. */
    g_autofree char *position = g_strdup_printf (_("%u of %u"),
                                                 g_hash_table_size (self->resolved) + self->index + 1,
                                                 total);

    adw_window_title_set_subtitle (self->window_title, position);
  }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-mine", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.use-server", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.previous", self->index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.next",
                                 self->index + 1 < self->conflicts->len);
  show_item (self, item);
  gtk_stack_set_visible_child_name (self->stack, "conflict");
}

/* Re-reads the conflicts from the store, staying on @keep_id when it is
 * still one, else at the same position. */
static void
reload (FbConflictDialog *self,
        const char       *keep_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) fresh = NULL;
  g_autofree char *keep = g_strdup (keep_id);
  guint old_len = self->conflicts != NULL ? self->conflicts->len : 0;
  guint index = self->index;
  gboolean found = FALSE;

  fresh = fb_store_list_conflicts (self->store, &error);
  if (fresh == NULL)
    {
      g_warning ("Cannot list conflicts: %s", error->message);
      fresh = g_ptr_array_new_with_free_func (g_object_unref);
    }

  /* Those that went away since the last look were resolved. */
  if (self->conflicts != NULL)
    for (guint i = 0; i < self->conflicts->len; i++)
      {
        FbItem *old = g_ptr_array_index (self->conflicts, i);
        gboolean still = FALSE;

        for (guint j = 0; j < fresh->len && !still; j++)
          still = g_str_equal (fb_item_get_id (old), fb_item_get_id (g_ptr_array_index (fresh, j)));
        if (!still)
          {
            g_hash_table_add (self->resolved, g_strdup (fb_item_get_id (old)));
            if (i < self->index && index > 0)
              index--;
          }
      }

  for (guint j = 0; j < fresh->len; j++)
    g_hash_table_remove (self->resolved, fb_item_get_id (g_ptr_array_index (fresh, j)));

  if (keep != NULL)
    for (guint j = 0; j < fresh->len; j++)
      if (g_str_equal (keep, fb_item_get_id (g_ptr_array_index (fresh, j))))
        {
          index = j;
          found = TRUE;
          break;
        }

  if (!found && index >= fresh->len)
    index = fresh->len > 0 ? fresh->len - 1 : 0;
  if (!found && old_len == 0)
    index = 0;

  g_clear_pointer (&self->conflicts, g_ptr_array_unref);
  self->conflicts = g_steal_pointer (&fresh);
  self->index = index;
  update_view (self);
}

static void
item_changed_cb (FbStore          *store,
                 FbItem           *item,
                 FbConflictDialog *self)
{
  gboolean known = FALSE;
  FbItem *current = current_item (self);

  if (self->resolving)
    return;

  for (guint i = 0; self->conflicts != NULL && i < self->conflicts->len && !known; i++)
    known = g_str_equal (fb_item_get_id (item),
                         fb_item_get_id (g_ptr_array_index (self->conflicts, i)));

  if (known || fb_item_get_state (item) == FB_ITEM_STATE_CONFLICT)
    reload (self, current != NULL ? fb_item_get_id (current) : NULL);
}

/* @message is text (a file's name may hold "&"); toasts take markup. */
static void
show_error_toast (FbConflictDialog *self,
                  const char       *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, FB_TOAST_UNTIL_DISMISSED);
  fb_toast_overlay_show (self->toast_overlay, toast);
}

static void
set_choices_enabled (FbConflictDialog *self,
                     gboolean          enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-mine", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.use-server", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conflict.keep-both", enabled);
}

static gboolean fetch_then_keep_both (FbConflictDialog *self,
                                      const char       *id);

/* Settles item @id's conflict. Keep Both waits for a file of mine that
 * only the server has (the store refuses to make the copy without it):
 * with a sync set up, it is downloaded first, then both are kept. */
static void
resolve_item (FbConflictDialog *self,
              const char       *id,
              FbResolution      how,
              gboolean          may_fetch)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  self->resolving = TRUE;
  ok = fb_store_resolve_conflict (self->store, id, how, NULL, &error);
  self->resolving = FALSE;

  if (!ok && may_fetch && how == FB_RESOLVE_KEEP_BOTH &&
      g_error_matches (error, FB_STORE_ERROR, FB_STORE_ERROR_NOT_HERE) &&
      fetch_then_keep_both (self, id))
    return;

  if (!ok)
    {
      /* Translators: %s says why, in the store's words. */
      g_autofree char *message = g_strdup_printf (_("The conflict could not be resolved: %s"),
                                                  error->message);

      show_error_toast (self, message);
    }

  reload (self, NULL);
}

/* ---- Keep Both, a file of mine only on the server ---- */

typedef struct
{
  FbConflictDialog *dialog;       /* unowned; only while not cancelled */
  GCancellable     *cancellable;
  char             *id;
} FilesFetch;

static void
files_fetch_free (FilesFetch *fetch)
{
  g_clear_object (&fetch->cancellable);
  g_free (fetch->id);
  g_free (fetch);
}

static void
files_fetched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  FilesFetch *fetch = user_data;
  FbConflictDialog *self = fetch->dialog;
  g_autoptr(GError) error = NULL;
  gboolean fetched;

  fetched = fb_sync_manager_fetch_missing_attachments_finish (FB_SYNC_MANAGER (object), result, &error);
  /* The dialog went away (its dispose cancels). */
  if (g_cancellable_is_cancelled (fetch->cancellable))
    {
      files_fetch_free (fetch);
      return;
    }

  g_clear_object (&self->fetching);
  set_choices_enabled (self, TRUE);
  if (!fetched)
    {
      /* Translators: %s says why, with the file's name */
      g_autofree char *message = g_strdup_printf (_("Both versions could not be kept, because a file of "
                                                    "yours could not be downloaded: %s"),
                                                  error->message);

      show_error_toast (self, message);
    }
  else
    resolve_item (self, fetch->id, FB_RESOLVE_KEEP_BOTH, FALSE);
  files_fetch_free (fetch);
}

/* Downloads the files of item @id's version here that only the server
 * has, then keeps both; FALSE when there is no sync to download with. */
static gboolean
fetch_then_keep_both (FbConflictDialog *self,
                      const char       *id)
{
  FilesFetch *fetch;

  if (self->manager == NULL || self->fetching != NULL ||
      fb_sync_manager_get_state (self->manager) == FB_SYNC_STATE_NOT_CONFIGURED)
    return FALSE;

  fetch = g_new0 (FilesFetch, 1);
  fetch->dialog = self;
  fetch->cancellable = g_cancellable_new ();
  fetch->id = g_strdup (id);
  self->fetching = g_object_ref (fetch->cancellable);
  set_choices_enabled (self, FALSE);
  fb_toast_overlay_show (self->toast_overlay,
                         adw_toast_new (_("Downloading the files of your version first, for its copy…")));
  fb_sync_manager_fetch_missing_attachments_async (self->manager, id, fetch->cancellable,
                                                   files_fetched_cb, fetch);
  return TRUE;
}

static void
resolve (FbConflictDialog *self,
         FbResolution      how)
{
  FbItem *item = current_item (self);
  g_autofree char *id = NULL;

  if (item == NULL)
    return;

  id = g_strdup (fb_item_get_id (item));
  resolve_item (self, id, how, TRUE);
}

static void
keep_mine_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  resolve (FB_CONFLICT_DIALOG (widget), FB_RESOLVE_KEEP_MINE);
}

static void
use_server_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  resolve (FB_CONFLICT_DIALOG (widget), FB_RESOLVE_USE_SERVER);
}

static void
keep_both_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  resolve (FB_CONFLICT_DIALOG (widget), FB_RESOLVE_KEEP_BOTH);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (widget);

  if (self->index > 0)
    {
      self->index--;
      update_view (self);
    }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (widget);

  if (self->conflicts != NULL && self->index + 1 < self->conflicts->len)
    {
      self->index++;
      update_view (self);
    }
}

GtkWidget *
fb_conflict_dialog_new (GtkWindow *parent,
                        FbStore   *store)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (FB_IS_STORE (store), NULL);

  return g_object_new (FB_TYPE_CONFLICT_DIALOG,
                       "transient-for", parent,
                       "store", store,
                       NULL);
}

void
fb_conflict_dialog_set_sync_manager (FbConflictDialog *self,
                                     FbSyncManager    *manager)
{
  g_return_if_fail (FB_IS_CONFLICT_DIALOG (self));
  g_return_if_fail (manager == NULL || FB_IS_SYNC_MANAGER (manager));

  g_set_object (&self->manager, manager);
}

const char *
fb_conflict_dialog_get_current_id (FbConflictDialog *self)
{
  FbItem *item;

  g_return_val_if_fail (FB_IS_CONFLICT_DIALOG (self), NULL);

  item = current_item (self);
  return item != NULL ? fb_item_get_id (item) : NULL;
}

gboolean
fb_conflict_dialog_show_item (FbConflictDialog *self,
                              const char       *id)
{
  g_return_val_if_fail (FB_IS_CONFLICT_DIALOG (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  for (guint i = 0; self->conflicts != NULL && i < self->conflicts->len; i++)
    if (g_str_equal (id, fb_item_get_id (g_ptr_array_index (self->conflicts, i))))
      {
        self->index = i;
        update_view (self);
        return TRUE;
      }
  return FALSE;
}

static void
fb_conflict_dialog_constructed (GObject *object)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  G_OBJECT_CLASS (fb_conflict_dialog_parent_class)->constructed (object);

  g_assert (self->store != NULL);
  self->item_changed_id = g_signal_connect (self->store, "item-changed",
                                            G_CALLBACK (item_changed_cb), self);
  reload (self, NULL);

  /* Nothing is lost with Keep Both, so it is where Enter lands first. */
  if (current_item (self) != NULL)
    gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->keep_both_button));
}

static void
fb_conflict_dialog_dispose (GObject *object)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  if (self->fetching != NULL)
    g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  g_clear_object (&self->manager);
  g_clear_signal_handler (&self->item_changed_id, self->store);
  g_clear_object (&self->store);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_CONFLICT_DIALOG);

  G_OBJECT_CLASS (fb_conflict_dialog_parent_class)->dispose (object);
}

static void
fb_conflict_dialog_finalize (GObject *object)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  g_clear_pointer (&self->resolved, g_hash_table_unref);

  G_OBJECT_CLASS (fb_conflict_dialog_parent_class)->finalize (object);
}

static void
fb_conflict_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_conflict_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FbConflictDialog *self = FB_CONFLICT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_conflict_dialog_class_init (FbConflictDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fb_conflict_dialog_constructed;
  object_class->dispose = fb_conflict_dialog_dispose;
  object_class->finalize = fb_conflict_dialog_finalize;
  object_class->get_property = fb_conflict_dialog_get_property;
  object_class->set_property = fb_conflict_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FB_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/ui/fb-conflict-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, previous_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, grid);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, scroller);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, keep_mine_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, keep_both_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, use_server_button);
  gtk_widget_class_bind_template_child (widget_class, FbConflictDialog, close_button);

  gtk_widget_class_install_action (widget_class, "conflict.keep-mine", NULL, keep_mine_action);
  gtk_widget_class_install_action (widget_class, "conflict.use-server", NULL, use_server_action);
  gtk_widget_class_install_action (widget_class, "conflict.keep-both", NULL, keep_both_action);
  gtk_widget_class_install_action (widget_class, "conflict.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "conflict.next", NULL, next_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "conflict.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, GDK_ALT_MASK, "conflict.next", NULL);
}

static void
fb_conflict_dialog_init (FbConflictDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
