/* test-location-portal.c: "Use my location" against a location portal on a private session bus */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-test-location-portal"

#include "config.h"

#include <adwaita.h>

#include "fb-field-row.h"
#include "fb-location.h"

/* A test-only peer that answers as org.freedesktop.portal.Location does:
 * CreateSession and Start return their object paths (made from the caller's
 * unique name and token), the Request's Response follows, then
 * LocationUpdated for the session. It runs on its own connection. */

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Location'>"
  "    <method name='CreateSession'>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <method name='Start'>"
  "      <arg type='o' name='session_handle' direction='in'/>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <signal name='LocationUpdated'>"
  "      <arg type='o' name='session_handle'/>"
  "      <arg type='a{sv}' name='location'/>"
  "    </signal>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "</node>";

typedef struct {
  GTestDBus       *bus;
  GDBusConnection *portal;
  GDBusNodeInfo   *info;
  guint            object_id;
  guint            owner_id;
  guint32          response;     /* what the person answers: 0 shares */
  char            *session;      /* the session the portal made */
  guint            accuracy;
  gboolean         started;
  GMainLoop       *loop;
  gboolean         done;
  gboolean         ok;
  double           latitude, longitude;
  GError          *error;
} Fixture;

static char *
object_path (const char *sender,
             const char *kind,
             const char *token)
{
  g_autofree char *name = g_strdup (sender + 1);

  g_strdelimit (name, ".", '_');
  return g_strdup_printf ("/org/freedesktop/portal/desktop/%s/%s/%s", kind, name, token);
}

static void
portal_method (GDBusConnection       *connection,
               const char            *sender,
               const char            *path,
               const char            *interface,
               const char            *method,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation,
               gpointer               user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GVariant) options = NULL;
  const char *token = NULL;

  if (g_strcmp0 (method, "CreateSession") == 0)
    {
      g_variant_get (parameters, "(@a{sv})", &options);
      g_assert_true (g_variant_lookup (options, "session_handle_token", "&s", &token));
      g_variant_lookup (options, "accuracy", "u", &fixture->accuracy);
      fixture->session = object_path (sender, "session", token);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", fixture->session));
      return;
    }

  {
    const char *session;
    g_autofree char *request = NULL;
    GVariantBuilder location;

    g_variant_get (parameters, "(&o&s@a{sv})", &session, NULL, &options);
    g_assert_cmpstr (session, ==, fixture->session);
    g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));
    request = object_path (sender, "request", token);
    fixture->started = TRUE;
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", request));

    /* The Request's answer, then (when shared) where the device is. */
    g_dbus_connection_emit_signal (connection, sender, request, "org.freedesktop.portal.Request", "Response",
                                   g_variant_new ("(u@a{sv})", fixture->response,
                                                  g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                                   NULL);
    if (fixture->response != 0)
      return;
    g_variant_builder_init (&location, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&location, "{sv}", "Latitude", g_variant_new_double (52.5163));
    g_variant_builder_add (&location, "{sv}", "Longitude", g_variant_new_double (13.3777));
    g_variant_builder_add (&location, "{sv}", "Accuracy", g_variant_new_double (25.0));
    g_variant_builder_add (&location, "{sv}", "Timestamp", g_variant_new ("(tt)", (guint64) 1796212800, (guint64) 0));
    g_dbus_connection_emit_signal (connection, sender, "/org/freedesktop/portal/desktop",
                                   "org.freedesktop.portal.Location", "LocationUpdated",
                                   g_variant_new ("(o@a{sv})", fixture->session, g_variant_builder_end (&location)),
                                   NULL);
  }
}

static GVariant *
portal_property (GDBusConnection  *connection,
                 const char       *sender,
                 const char       *path,
                 const char       *interface,
                 const char       *property,
                 GError          **error,
                 gpointer          user_data)
{
  return g_variant_new_uint32 (1);
}

static const GDBusInterfaceVTable portal_vtable = { portal_method, portal_property, NULL, { 0 } };

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  Fixture *fixture = user_data;

  fixture->done = TRUE;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fixture->bus);
  fixture->loop = g_main_loop_new (NULL, FALSE);
}

static void
start_portal (Fixture *fixture)
{
  GError *error = NULL;

  fixture->portal = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (fixture->bus),
                                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                            NULL, NULL, &error);
  g_assert_no_error (error);
  fixture->info = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_assert_no_error (error);
  fixture->object_id = g_dbus_connection_register_object (fixture->portal, "/org/freedesktop/portal/desktop",
                                                          fixture->info->interfaces[0], &portal_vtable,
                                                          fixture, NULL, &error);
  g_assert_no_error (error);
  fixture->done = FALSE;
  fixture->owner_id = g_bus_own_name_on_connection (fixture->portal, "org.freedesktop.portal.Desktop",
                                                    G_BUS_NAME_OWNER_FLAGS_NONE, name_acquired_cb, NULL,
                                                    fixture, NULL);
  while (!fixture->done)
    g_main_context_iteration (NULL, TRUE);
  fixture->done = FALSE;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  if (fixture->portal != NULL)
    {
      g_bus_unown_name (fixture->owner_id);
      g_dbus_connection_unregister_object (fixture->portal, fixture->object_id);
      g_dbus_connection_close_sync (fixture->portal, NULL, NULL);
      g_object_unref (fixture->portal);
      g_dbus_node_info_unref (fixture->info);
    }
  g_clear_error (&fixture->error);
  g_free (fixture->session);
  g_main_loop_unref (fixture->loop);
  g_test_dbus_down (fixture->bus);
  g_object_unref (fixture->bus);
}

static void
checked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->ok = fb_location_check_finish (result, &fixture->error);
  fixture->done = TRUE;
}

static void
located_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Fixture *fixture = user_data;

  fixture->ok = fb_location_get_finish (result, &fixture->latitude, &fixture->longitude, &fixture->error);
  fixture->done = TRUE;
}

static void
wait_done (Fixture *fixture)
{
  while (!fixture->done)
    g_main_context_iteration (NULL, TRUE);
  fixture->done = FALSE;
}

/* No portal on the bus: the button's check says so (and it stays hidden). */
static void
test_no_portal (Fixture       *fixture,
                gconstpointer  data)
{
  fb_location_check_async (NULL, checked_cb, fixture);
  wait_done (fixture);
  g_assert_false (fixture->ok);
  g_assert_nonnull (fixture->error);
}

/* The portal shares the location: latitude and longitude come back. */
static void
test_shared (Fixture       *fixture,
             gconstpointer  data)
{
  start_portal (fixture);
  fb_location_check_async (NULL, checked_cb, fixture);
  wait_done (fixture);
  g_assert_no_error (fixture->error);
  g_assert_true (fixture->ok);

  fb_location_get_async (NULL, located_cb, fixture);
  wait_done (fixture);
  g_assert_no_error (fixture->error);
  g_assert_true (fixture->ok);
  g_assert_true (fixture->started);
  g_assert_cmpuint (fixture->accuracy, ==, 4);
  g_assert_cmpfloat_with_epsilon (fixture->latitude, 52.5163, 1e-9);
  g_assert_cmpfloat_with_epsilon (fixture->longitude, 13.3777, 1e-9);
}

/* The person says no in the portal's dialog: said in words. */
static void
test_refused (Fixture       *fixture,
              gconstpointer  data)
{
  fixture->response = 1;
  start_portal (fixture);
  fb_location_get_async (NULL, located_cb, fixture);
  wait_done (fixture);
  g_assert_false (fixture->ok);
  g_assert_error (fixture->error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_cmpstr (fixture->error->message, ==, "The location was not shared");
}

static GtkWidget *
find_locate_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "find-location-symbolic") == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_locate_button (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A record's location field: its "Use My Location" button appears once the
 * portal answers, and a click fills the field with what the portal shares. */
static void
test_field_button (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) definition = json_object_new ();
  g_autoptr(JsonNode) value = NULL;
  FbFieldRow *row;
  GtkWidget *button;
  JsonObject *location;

  start_portal (fixture);
  json_object_set_string_member (definition, "name", "Nest");
  json_object_set_string_member (definition, "type", "location");
  row = fb_field_row_new (definition, NULL, NULL, NULL);
  button = find_locate_button (fb_field_row_get_widget (row));
  g_assert_nonnull (button);
  while (!gtk_widget_get_visible (button))
    g_main_context_iteration (NULL, TRUE);

  g_signal_emit_by_name (button, "clicked");
  while (*gtk_editable_get_text (GTK_EDITABLE (fb_field_row_get_input (row))) == '\0')
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (fixture->started);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fb_field_row_get_input (row))), ==,
                   "52.516300, 13.377700");
  value = fb_field_row_dup_value (row);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (value));
  location = json_node_get_object (value);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (location, "latitude"), 52.5163, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (location, "longitude"), 13.3777, 1e-9);
  fb_field_row_free (row);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/location-portal/no-portal", Fixture, NULL, fixture_setup, test_no_portal, fixture_teardown);
  g_test_add ("/location-portal/shared", Fixture, NULL, fixture_setup, test_shared, fixture_teardown);
  g_test_add ("/location-portal/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown);
  g_test_add ("/location-portal/field-button", Fixture, NULL, fixture_setup, test_field_button,
              fixture_teardown);

  return g_test_run ();
}
