/* fb-attachment-open.c: "Open With…": a copy of an attachment, under its own
 * name, handed to an application the person chooses */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-attachment-open"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gio/gunixfdlist.h>
#include <adwaita.h>

#include "fb-attachment-open.h"

/* How long a copy handed out stays: the application may still read it
 * for a while, but not for days. */
#define COPY_LIFETIME_S (24 * 3600)

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children = g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                                    G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                                                    NULL, NULL);
  GFileInfo *info;
  GFile *child;

  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL) &&
         info != NULL)
    remove_tree (child);
  g_file_delete (file, NULL, NULL);
}

/* Removes the copies handed out more than COPY_LIFETIME_S ago. */
static void
remove_old_copies (const char *parent)
{
  g_autoptr(GFile) dir = g_file_new_for_path (parent);
  g_autoptr(GFileEnumerator) children = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL) &&
         info != NULL)
    if (now - (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) > COPY_LIFETIME_S)
      remove_tree (child);
}

/* The store's files are named by digest and must not be changed by
 * another program, so the application gets a copy named as the
 * attachment is, in a directory of its own under the cache dir. */
GFile *
fb_attachment_open_make_copy (GFile       *source,
                              const char  *name,
                              GError     **error)
{
  g_autofree char *parent = g_build_filename (g_get_user_cache_dir (), "fieldbook", "open", NULL);
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;
  g_autoptr(GFile) copy = NULL;

  g_return_val_if_fail (G_IS_FILE (source), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", parent, g_strerror (saved));
      return NULL;
    }
  remove_old_copies (parent);
  dir = g_build_filename (parent, "XXXXXX", NULL);
  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: %s", dir, g_strerror (saved));
      return NULL;
    }

  /* A name from the server may hold a slash, or be "." or "..". */
  basename = g_strdelimit (g_strdup (name), G_DIR_SEPARATOR_S, '_');
  if (g_str_equal (basename, ".") || g_str_equal (basename, "..") || basename[0] == '\0')
    {
      g_free (basename);
      basename = g_strdup ("attachment");
    }
  copy = g_file_new_build_filename (dir, basename, NULL);
  if (!g_file_copy (source, copy, G_FILE_COPY_NONE, NULL, NULL, NULL, error))
    return NULL;

  return g_steal_pointer (&copy);
}

static void
show_failure (GtkWindow  *parent,
              GFile      *copy,
              const char *reason)
{
  g_autofree char *basename = g_file_get_basename (copy);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  /* TRANSLATORS: %s is an attachment's file name */
  heading = g_strdup_printf (_("“%s” could not be opened"), basename);
  dialog = adw_message_dialog_new (parent, heading, reason);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

#if GTK_CHECK_VERSION (4, 10, 0) && GDK_VERSION_MAX_ALLOWED >= GDK_VERSION_4_10

static void
launched_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GtkWindow) parent = user_data;
  g_autoptr(GError) error = NULL;

  if (!gtk_file_launcher_launch_finish (GTK_FILE_LAUNCHER (object), result, &error) &&
      !g_error_matches (error, GTK_DIALOG_ERROR, GTK_DIALOG_ERROR_DISMISSED))
    show_failure (parent, gtk_file_launcher_get_file (GTK_FILE_LAUNCHER (object)), error->message);
}

static void
launch (GtkWindow *parent,
        GFile     *copy)
{
  g_autoptr(GtkFileLauncher) launcher = gtk_file_launcher_new (copy);

#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_file_launcher_set_always_ask (launcher, TRUE);
#endif
  gtk_file_launcher_launch (launcher, parent, NULL, launched_cb,
                            parent != NULL ? g_object_ref (parent) : NULL);
}

#else

typedef struct
{
  GtkWindow *parent;
  GFile     *copy;
} Launch;

static void
launch_free (Launch *data)
{
  g_clear_object (&data->parent);
  g_clear_object (&data->copy);
  g_free (data);
}

static void
portal_opened_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Launch *data = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (object), NULL,
                                                           result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      show_failure (data->parent, data->copy, error->message);
    }
  launch_free (data);
}

/* Inside Flatpak: the OpenURI portal's OpenFile, handed the file itself
 * (a descriptor), asking the person which application. */
static gboolean
open_with_portal (Launch  *data,
                  GError **error)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  g_autofree char *path = g_file_get_path (data->copy);
  g_autoptr(GUnixFDList) fds = NULL;
  GVariantBuilder options;
  int fd;

  if (bus == NULL)
    return FALSE;
  fd = g_open (path, O_RDONLY, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", path, g_strerror (saved));
      return FALSE;
    }
  fds = g_unix_fd_list_new_from_array (&fd, 1);  /* takes fd */
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "ask", g_variant_new_boolean (TRUE));
  g_dbus_connection_call_with_unix_fd_list (bus, "org.freedesktop.portal.Desktop",
                                            "/org/freedesktop/portal/desktop",
                                            "org.freedesktop.portal.OpenURI", "OpenFile",
                                            g_variant_new ("(sha{sv})", "", 0, &options),
                                            G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                            fds, NULL, portal_opened_cb, data);
  return TRUE;
}

static void
app_chosen_cb (GtkDialog *dialog,
               int        response,
               Launch    *data)
{
  if (response == GTK_RESPONSE_OK)
    {
      g_autoptr(GAppInfo) app = gtk_app_chooser_get_app_info (GTK_APP_CHOOSER (dialog));
      g_autoptr(GdkAppLaunchContext) context = NULL;
      g_autoptr(GError) error = NULL;
      GList files = { data->copy, NULL, NULL };

      context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (dialog)));
      if (app != NULL && !g_app_info_launch (app, &files, G_APP_LAUNCH_CONTEXT (context), &error))
        show_failure (data->parent, data->copy, error->message);
    }
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
launch (GtkWindow *parent,
        GFile     *copy)
{
  Launch *data = g_new0 (Launch, 1);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  g_set_object (&data->parent, parent);
  g_set_object (&data->copy, copy);

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      if (!open_with_portal (data, &error))
        {
          show_failure (parent, copy, error->message);
          launch_free (data);
        }
      return;
    }

  dialog = gtk_app_chooser_dialog_new (parent, GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, copy);
  g_signal_connect_data (dialog, "response", G_CALLBACK (app_chosen_cb), data,
                         (GClosureNotify) (void (*) (void)) launch_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

#endif

/* Opens a copy of @source named @name in an application the person
 * picks. FALSE (and @error) when the copy cannot be made; a failure to
 * launch is told in a dialog of its own. */
gboolean
fb_attachment_open_with (GtkWindow   *parent,
                         GFile       *source,
                         const char  *name,
                         GError     **error)
{
  g_autoptr(GFile) copy = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), FALSE);

  copy = fb_attachment_open_make_copy (source, name, error);
  if (copy == NULL)
    return FALSE;
  launch (parent, copy);
  return TRUE;
}
