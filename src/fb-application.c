/* fb-application.c: the Fieldbook application: opens the store and its windows */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-application"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-application.h"
#include "fb-cli.h"
#include "fb-window.h"

struct _FbApplication
{
  AdwApplication  parent_instance;

  FbStore        *store;
  GError         *store_error;
};

G_DEFINE_FINAL_TYPE (FbApplication, fb_application, ADW_TYPE_APPLICATION)

FbApplication *
fb_application_new (void)
{
  return g_object_new (FB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/fieldbook/Fieldbook",
                       NULL);
}

FbStore *
fb_application_get_store (FbApplication *self)
{
  g_return_val_if_fail (FB_IS_APPLICATION (self), NULL);

  return self->store;
}

/* Words for a person, not SQLite's; the details go last for a bug report.
 * Whole sentences per case, so translators see each one entire. */
static char *
describe_store_error (const GError *error)
{
  if (error->domain != FB_STORE_ERROR)
    /* TRANSLATORS: %s is the technical reason */
    return g_strdup_printf (_("The file that holds your notes could not be opened.\n\nDetails: %s"),
                            error->message);

  switch (error->code)
    {
    case FB_STORE_ERROR_BUSY:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("Another program is using your notes. Close it and open Fieldbook again.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_FULL:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("The disk is full. Free some space and open Fieldbook again.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_TOO_NEW:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("Your notes were saved by a newer version of Fieldbook. Update Fieldbook to open them.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_CORRUPT:
    case FB_STORE_ERROR_NOT_A_DATABASE:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("The file that holds your notes is damaged or is not a Fieldbook database.\n\nDetails: %s"),
                              error->message);
    case FB_STORE_ERROR_OPEN:
    default:
      /* TRANSLATORS: %s is the technical reason */
      return g_strdup_printf (_("The file that holds your notes could not be opened.\n\nDetails: %s"),
                              error->message);
    }
}

static GtkWindow *
create_error_window (FbApplication *self)
{
  g_autofree char *description = describe_store_error (self->store_error);
  GtkWidget *window;
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *page;

  window = adw_application_window_new (GTK_APPLICATION (self));
  gtk_window_set_title (GTK_WINDOW (window), _("Fieldbook"));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 480);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);

  page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "dialog-error-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), _("Cannot Open Your Notes"));
  adw_status_page_set_description (ADW_STATUS_PAGE (page), description);
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);

  return GTK_WINDOW (window);
}

static GtkWindow *
create_window (FbApplication *self)
{
  if (self->store == NULL)
    return create_error_window (self);

  return GTK_WINDOW (fb_window_new (GTK_APPLICATION (self), self->store));
}

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  FbApplication *self = user_data;
  g_autoptr(GList) windows = NULL;

  /* Closing each window flushes its unsaved edits; the application quits
   * when the last one is gone. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
new_window_action_cb (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  FbApplication *self = user_data;

  gtk_window_present (create_window (self));
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  FbApplication *self = user_data;
  static const char *developers[] = { "The Fieldbook developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (GTK_APPLICATION (self)),
                        "application-name", _("Fieldbook"),
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Fieldbook developers"),
                        "developers", developers,
                        "comments", _("Notes and records that work offline and sync with CouchDB"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* TRANSLATORS: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action_cb },
  { "about", about_action_cb },
  { "new-window", new_window_action_cb },
};

static int
fb_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  /* -1: not a command line call, go on and open a window. */
  return fb_cli_handle_local_options (app, options);
}

static void
fb_application_startup (GApplication *app)
{
  FbApplication *self = FB_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control><Shift>n", NULL };

  G_APPLICATION_CLASS (fb_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.new-window", new_window_accels);

  self->store = fb_store_new (NULL, &self->store_error);
  if (self->store == NULL)
    g_message ("Cannot open the store: %s", self->store_error->message);
}

static void
fb_application_activate (GApplication *app)
{
  FbApplication *self = FB_APPLICATION (app);
  GtkWindow *window;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (window == NULL)
    window = create_window (self);

  gtk_window_present (window);
}

static void
fb_application_dispose (GObject *object)
{
  FbApplication *self = FB_APPLICATION (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (fb_application_parent_class)->dispose (object);
}

static void
fb_application_finalize (GObject *object)
{
  FbApplication *self = FB_APPLICATION (object);

  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (fb_application_parent_class)->finalize (object);
}

static void
fb_application_class_init (FbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = fb_application_dispose;
  object_class->finalize = fb_application_finalize;

  app_class->handle_local_options = fb_application_handle_local_options;
  app_class->startup = fb_application_startup;
  app_class->activate = fb_application_activate;
}

static void
fb_application_init (FbApplication *self)
{
  fb_cli_add_options (G_APPLICATION (self));
}
