/* fb-window-transfer.c: Import and Export in the window menu (the --export file format) */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-transfer.h"
#include "fb-transfer-async.h"
#include "fb-window-private.h"

/* Export writes on a worker thread with a connection of its own (SQLite's
 * WAL lets it read while the window writes), the count under the list as
 * it goes. Import too (fb-transfer-async.c), with a Cancel button beside
 * its progress; when it committed, the window's store announces what it
 * wrote, so that the list, the counts and the tags follow as for any edit.
 * It is one transaction (fb-transfer.c): a bad file or a cancel imports
 * nothing. Both end in a toast with the count, or an error in words. */

typedef struct
{
  GWeakRef  window;
  guint     done;
  guint     total;
} Progress;

typedef struct
{
  char    *db_path;
  GFile   *file;
  GWeakRef window;
  guint    n_items;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->db_path);
  g_clear_object (&job->file);
  g_weak_ref_clear (&job->window);
  g_free (job);
}

static void
show_transfer_row (FbWindow *self,
                   gboolean  visible)
{
  if (self->transfer_progress == NULL)
    return;

  gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->transfer_progress)), visible);
  gtk_widget_set_visible (GTK_WIDGET (self->transfer_cancel), visible && self->importing);
}

static void
show_progress (FbWindow *self,
               guint     done,
               guint     total)
{
  g_autofree char *text = NULL;

  if (self->transfer_progress == NULL)
    return;

  /* Translators: under the list while exporting. */
  text = g_strdup_printf (_("Exporting: %u of %u items"), done, total);
  gtk_progress_bar_set_text (self->transfer_progress, text);
  gtk_progress_bar_set_fraction (self->transfer_progress, total > 0 ? (double) done / total : 0.0);
  show_transfer_row (self, TRUE);
}

static gboolean
progress_idle_cb (gpointer data)
{
  Progress *progress = data;
  g_autoptr(FbWindow) self = g_weak_ref_get (&progress->window);

  if (self != NULL)
    show_progress (self, progress->done, progress->total);

  return G_SOURCE_REMOVE;
}

static void
progress_free (gpointer data)
{
  Progress *progress = data;

  g_weak_ref_clear (&progress->window);
  g_free (progress);
}

/* On the worker: the count goes to the window about a hundred times. */
static void
export_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(GObject) window = NULL;
  Progress *progress;

  if (total > 100 && done % (total / 100) != 0 && done != total)
    return;
  /* The task holds the window; the weak reference is for the idle. */
  window = g_weak_ref_get (&job->window);
  if (window == NULL)
    return;

  progress = g_new0 (Progress, 1);
  g_weak_ref_init (&progress->window, window);
  progress->done = done;
  progress->total = total;
  {
    /* An idle, not g_main_context_invoke (), which would run it on this
     * worker whenever the window's thread is between iterations. */
    g_autoptr(GSource) source = g_idle_source_new ();

    g_source_set_callback (source, progress_idle_cb, progress, progress_free);
    g_source_attach (source, NULL);
  }
}

static void
export_thread_cb (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(FbStore) store = NULL;
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GError) error = NULL;

  store = fb_store_new (job->db_path, &error);
  if (store != NULL)
    out = g_file_replace (job->file, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, cancellable,
                          &error);
  if (out == NULL ||
      !fb_transfer_export (store, G_OUTPUT_STREAM (out), export_progress_cb, job, &job->n_items,
                           cancellable, &error) ||
      !g_output_stream_close (G_OUTPUT_STREAM (out), cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
export_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  FbWindow *self = FB_WINDOW (object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  show_transfer_row (self, FALSE);
  self->transferring = FALSE;
  _fb_window_update_actions (self);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The export could not be written: %s"), error->message);
      _fb_window_show_error (self, message);
      return;
    }

  message = g_strdup_printf (ngettext ("%u item exported", "%u items exported", job->n_items),
                             job->n_items);
  _fb_window_show_toast (self, adw_toast_new (message));
}

static void
export_to_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  if (self->transferring)
    return;

  /* What the person typed last is in the file too. */
  if (!_fb_window_save_now (self))
    return;

  job = g_new0 (ExportJob, 1);
  job->db_path = g_strdup (fb_store_get_path (self->store));
  job->file = g_file_new_for_path (g_variant_get_string (parameter, NULL));
  g_weak_ref_init (&job->window, self);

  self->transferring = TRUE;
  _fb_window_update_actions (self);
  show_progress (self, 0, 0);

  task = g_task_new (self, self->transfer_cancellable, export_done_cb, NULL);
  g_task_set_source_tag (task, export_to_action);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread_cb);
}

/* Why an import failed, in words (fb-transfer.h's errors say what kind). */
static char *
describe_import_error (const GError *error)
{
  if (error->domain == FB_TRANSFER_ERROR)
    switch ((FbTransferError) error->code)
      {
      case FB_TRANSFER_ERROR_NOT_JSON:
        return g_strdup_printf (_("the file is not a Fieldbook export (it is not JSON: %s)"),
                                error->message);
      case FB_TRANSFER_ERROR_NOT_EXPORT:
        return g_strdup (_("the file is not a Fieldbook export"));
      case FB_TRANSFER_ERROR_TOO_NEW:
        return g_strdup (_("the file was written by a newer Fieldbook"));
      case FB_TRANSFER_ERROR_BAD_ITEM:
      default:
        break;
      }

  return g_strdup (error->message);
}

/* On the window's thread (fb-transfer-async.c calls it there). */
static void
import_progress_cb (guint    done,
                    double   fraction,
                    gpointer user_data)
{
  g_autoptr(FbWindow) self = g_weak_ref_get (user_data);
  g_autofree char *text = NULL;

  if (self == NULL || self->transfer_progress == NULL)
    return;

  /* Translators: under the list while importing; the total is not known
   * before the end of the file. */
  text = g_strdup_printf (ngettext ("Importing: %u item", "Importing: %u items", done), done);
  gtk_progress_bar_set_text (self->transfer_progress, text);
  gtk_progress_bar_set_fraction (self->transfer_progress, fraction);
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static void
import_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FbWindow) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean cancelled_here = FALSE;
  guint n_items = 0;
  gboolean ok;

  weak_ref_free (user_data);
  ok = fb_transfer_import_file_finish (FB_STORE (object), result, &n_items, &error);
  if (self == NULL)
    return;

  if (self->import_cancellable != NULL)
    cancelled_here = g_cancellable_is_cancelled (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  self->importing = FALSE;
  self->transferring = FALSE;
  show_transfer_row (self, FALSE);
  _fb_window_update_actions (self);
  /* Typing saved while the import held the file waited for it. */
  _fb_window_save_now (self);

  if (!ok)
    {
      g_autofree char *why = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          if (cancelled_here)
            _fb_window_show_toast (self, adw_toast_new (_("Import cancelled: nothing was imported")));
          return;
        }
      why = describe_import_error (error);
      message = g_strdup_printf (_("Nothing was imported: %s"), why);
      _fb_window_show_error (self, message);
      return;
    }

  message = g_strdup_printf (ngettext ("%u item imported", "%u items imported", n_items), n_items);
  _fb_window_show_toast (self, adw_toast_new (message));
}

static void
import_from_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FbWindow *self = FB_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (parameter, NULL));
  GWeakRef *progress_ref;
  GWeakRef *done_ref;

  if (self->transferring || !_fb_window_save_now (self))
    return;

  self->transferring = TRUE;
  self->importing = TRUE;
  self->import_cancellable = g_cancellable_new ();
  _fb_window_update_actions (self);
  gtk_progress_bar_set_text (self->transfer_progress, _("Importing…"));
  gtk_progress_bar_set_fraction (self->transfer_progress, 0.0);
  show_transfer_row (self, TRUE);

  progress_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (progress_ref, self);
  done_ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (done_ref, self);
  fb_transfer_import_file_async (self->store, file, import_progress_cb, progress_ref, weak_ref_free,
                                 self->import_cancellable, import_done_cb, done_ref);
}

static void
cancel_import_cb (FbWindow *self)
{
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
}

gboolean
_fb_window_is_importing (FbWindow *self)
{
  return self->importing;
}

static void
file_chosen_cb (GtkNativeDialog *chooser,
                int              response,
                FbWindow        *self)
{
  const char *action = g_object_get_data (G_OBJECT (chooser), "fb-action");
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  if (path != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), action, "s", path);

  g_object_unref (chooser);
}

/* GtkFileChooserNative: the file chooser portal inside Flatpak. */
static void
choose_file (FbWindow             *self,
             GtkFileChooserAction  mode,
             const char           *title,
             const char           *accept,
             const char           *action)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), mode, accept, _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Fieldbook exports (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (mode == GTK_FILE_CHOOSER_ACTION_SAVE)
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "fieldbook.json");
  g_object_set_data (G_OBJECT (chooser), "fb-action", (gpointer) action);
  g_signal_connect_object (chooser, "response", G_CALLBACK (file_chosen_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_file (FB_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_SAVE, _("Export Everything"),
               _("_Export"), "win.export-to");
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  choose_file (FB_WINDOW (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _("Import an Export File"),
               _("_Import"), "win.import-from");
}

void
_fb_window_class_transfer_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-to", "s", export_to_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.import-from", "s", import_from_action);
}

void
_fb_window_transfer_init (FbWindow *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->transfer_cancellable = g_cancellable_new ();
  self->transfer_progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (self->transfer_progress, TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->transfer_progress), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->transfer_progress), GTK_ALIGN_CENTER);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->transfer_progress));

  self->transfer_cancel = GTK_BUTTON (gtk_button_new_from_icon_name ("process-stop-symbolic"));
  gtk_widget_add_css_class (GTK_WIDGET (self->transfer_cancel), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->transfer_cancel), _("Cancel the Import"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->transfer_cancel),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cancel the Import"), -1);
  g_signal_connect_object (self->transfer_cancel, "clicked", G_CALLBACK (cancel_import_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->transfer_cancel));

  gtk_widget_set_visible (row, FALSE);
  gtk_box_append (GTK_BOX (self->list_pane), row);
}

void
_fb_window_transfer_dispose (FbWindow *self)
{
  g_cancellable_cancel (self->transfer_cancellable);
  g_clear_object (&self->transfer_cancellable);
  /* The import's callback finds no window and only frees what it has. */
  if (self->import_cancellable != NULL)
    g_cancellable_cancel (self->import_cancellable);
  g_clear_object (&self->import_cancellable);
  self->transfer_progress = NULL;
  self->transfer_cancel = NULL;
}
