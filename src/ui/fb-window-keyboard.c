/* fb-window-keyboard.c: the window's keyboard paths: a toast's button within the first Tab */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-window"

#include "config.h"

#include "fb-window-private.h"

/* A toast is drawn over the bottom of the window, and Tab reaches it last:
 * after every row of the list and every field of the editor. Its Undo must
 * not take that long, so the first Tab after a toast with a button appears
 * goes to that button; from there Tab goes on as usual. */

/* The button with a label (not the close button) of the toast on screen. */
static GtkWidget *
find_toast_button (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && gtk_button_get_label (GTK_BUTTON (child)) != NULL &&
          gtk_widget_is_visible (child))
        return child;
      if ((found = find_toast_button (child)) != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
_fb_window_toast_button (FbWindow *self)
{
  /* The overlay's children after its main child are its toasts. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->toast_overlay));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button;

      if (child == GTK_WIDGET (self->leaflet) ||
          g_strcmp0 (gtk_widget_get_css_name (child), "toast") != 0)
        continue;
      if ((button = find_toast_button (child)) != NULL)
        return button;
    }
  return NULL;
}

gboolean
_fb_window_tab_to_toast (FbWindow *self)
{
  GtkWidget *button;
  GtkWidget *focus;

  if (self->last_toast == NULL || self->toast_tabbed == self->last_toast)
    return FALSE;
  if ((button = _fb_window_toast_button (self)) == NULL)
    return FALSE;

  focus = gtk_root_get_focus (GTK_ROOT (self));
  self->toast_tabbed = self->last_toast;
  if (focus != NULL && gtk_widget_is_ancestor (focus, gtk_widget_get_parent (button)))
    return FALSE;

  return gtk_widget_grab_focus (button);
}

static gboolean
key_pressed_cb (FbWindow              *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *controller)
{
  if ((keyval == GDK_KEY_Tab || keyval == GDK_KEY_KP_Tab) &&
      (state & gtk_accelerator_get_default_mod_mask ()) == 0)
    return _fb_window_tab_to_toast (self);

  return GDK_EVENT_PROPAGATE;
}

void
_fb_window_keyboard_init (FbWindow *self)
{
  GtkEventController *controller = gtk_event_controller_key_new ();

  /* Before the focused widget: a text view would take Tab as text. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb),
                           self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}
