/* fb-sync-status.c: the sync status in words, bound to FbSyncManager's properties */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync-status"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-sync-error.h"
#include "fb-sync-status.h"
#include "fb-sync-words.h"
#include "fb-transfer-words.h"

struct _FbSyncStatus
{
  GtkWidget      parent_instance;

  GtkWidget     *box;
  GtkButton     *state_button;
  GtkImage      *state_icon;
  GtkLabel      *state_label;
  GtkLabel      *pending_badge;
  GtkButton     *conflicts_button;
  GtkLabel      *conflicts_label;
  GtkButton     *refresh_button;
  GtkStack      *refresh_stack;
  GtkSpinner    *spinner;
  /* Made in code: a popover is not a template's layout child. */
  GtkPopover    *details_popover;
  GtkLabel      *details_label;
  /* While waiting to retry: the label's countdown, once a second. */
  guint          countdown_source;

  FbSyncManager *manager;
  GSignalGroup  *manager_signals;
  GBindingGroup *manager_bindings;
  /* The file in flight, in words ("Sending “heron.jpg”… 40 %"); NULL: none. */
  char          *transfer;
};

G_DEFINE_FINAL_TYPE (FbSyncStatus, fb_sync_status, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MANAGER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  RESOLVE_CONFLICTS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static FbSyncState
current_state (FbSyncStatus *self)
{
  if (self->manager == NULL)
    return FB_SYNC_STATE_NOT_CONFIGURED;
  return fb_sync_manager_get_state (self->manager);
}

/* What "idle" means to the person: up to date only when nothing waits to
 * be sent and nothing waits for a choice. */
typedef enum {
  IDLE_UP_TO_DATE,
  IDLE_PENDING,
  IDLE_CONFLICTS,
} IdleKind;

static IdleKind
idle_kind (FbSyncStatus *self)
{
  if (self->manager != NULL && fb_sync_manager_get_conflict_count (self->manager) > 0)
    return IDLE_CONFLICTS;
  if (self->manager != NULL && fb_sync_manager_get_pending_count (self->manager) > 0)
    return IDLE_PENDING;
  return IDLE_UP_TO_DATE;
}

static const GError *
current_error (FbSyncStatus *self)
{
  if (self->manager == NULL)
    return NULL;
  return fb_sync_manager_get_last_error (self->manager);
}

/* The first line of the description: what the icon means. */
static const char *
state_words (FbSyncStatus *self)
{
  if (self->manager == NULL)
    return fb_sync_words_state (FB_SYNC_STATE_NOT_CONFIGURED, TRUE, NULL, 0, 0);

  return fb_sync_words_state (fb_sync_manager_get_state (self->manager),
                              fb_sync_manager_get_enabled (self->manager),
                              fb_sync_manager_get_last_error (self->manager),
                              fb_sync_manager_get_pending_count (self->manager),
                              fb_sync_manager_get_conflict_count (self->manager));
}

static const char *
state_icon_name (FbSyncStatus *self)
{
  switch (current_state (self))
    {
    case FB_SYNC_STATE_NOT_CONFIGURED:
      return "network-server-symbolic";
    case FB_SYNC_STATE_OFFLINE:
      return "network-offline-symbolic";
    case FB_SYNC_STATE_IDLE:
      /* The check mark is a promise: everything is on the server. */
      switch (idle_kind (self))
        {
        case IDLE_CONFLICTS:
          return "dialog-warning-symbolic";
        case IDLE_PENDING:
          return "network-transmit-symbolic";
        case IDLE_UP_TO_DATE:
        default:
          return "emblem-ok-symbolic";
        }
    case FB_SYNC_STATE_SYNCING:
      return "emblem-synchronizing-symbolic";
    case FB_SYNC_STATE_WAITING_TO_RETRY:
      /* Not network-no-route: Adwaita draws that as a question mark. */
      if (fb_sync_words_is_unreachable (current_error (self)))
        return "network-offline-symbolic";
      return "network-error-symbolic";
    case FB_SYNC_STATE_NEEDS_ATTENTION:
      return "dialog-warning-symbolic";
    default:
      g_assert_not_reached ();
    }
}

char *
fb_sync_status_dup_description (FbSyncStatus *self)
{
  GString *text;
  const GError *error;
  FbSyncState state;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *synced = NULL;

  g_return_val_if_fail (FB_IS_SYNC_STATUS (self), NULL);

  text = g_string_new (state_words (self));
  state = current_state (self);
  error = current_error (self);

  if (self->transfer != NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append (text, self->transfer);
    }

  if (error != NULL && state != FB_SYNC_STATE_IDLE && state != FB_SYNC_STATE_SYNCING)
    {
      g_autofree char *words = fb_sync_words_error (error);

      g_string_append_c (text, '\n');
      g_string_append (text, words);
    }

  /* An absolute time, so the words never go stale between tooltips. */
  if (state == FB_SYNC_STATE_WAITING_TO_RETRY && fb_sync_manager_get_next_retry (self->manager) > 0)
    {
      g_autofree char *retry = fb_sync_words_retry_at (fb_sync_manager_get_next_retry (self->manager));

      g_string_append_c (text, '\n');
      g_string_append (text, retry);
    }

  if (self->manager != NULL && state != FB_SYNC_STATE_NOT_CONFIGURED)
    {
      now = g_date_time_new_now_local ();
      /* "Synced just now" beside "Server unreachable" would read as if
       * all was well: away from idle, it is the time of the last sync. */
      if (state == FB_SYNC_STATE_IDLE || state == FB_SYNC_STATE_SYNCING)
        synced = fb_sync_words_last_synced (fb_sync_manager_get_last_synced (self->manager), now);
      else
        synced = fb_sync_words_last_success (fb_sync_manager_get_last_synced (self->manager), now);
      g_string_append_c (text, '\n');
      g_string_append (text, synced);
    }

  return g_string_free (text, FALSE);
}

/* The label beside the icon: the state in a few words, with the time of
 * the last sync or of the next try. */
char *
fb_sync_status_dup_summary (FbSyncStatus *self)
{
  g_return_val_if_fail (FB_IS_SYNC_STATUS (self), NULL);

  /* What is going on now, in place of "Syncing…". */
  if (self->transfer != NULL)
    return g_strdup (self->transfer);
  if (self->manager == NULL)
    return fb_sync_words_summary (FB_SYNC_STATE_NOT_CONFIGURED, TRUE, NULL, NULL, 0,
                                  g_get_real_time ());

  return fb_sync_words_summary (fb_sync_manager_get_state (self->manager),
                                fb_sync_manager_get_enabled (self->manager),
                                fb_sync_manager_get_last_error (self->manager),
                                fb_sync_manager_get_last_synced (self->manager),
                                fb_sync_manager_get_next_retry (self->manager),
                                g_get_real_time ());
}

static gboolean
countdown_cb (gpointer user_data)
{
  FbSyncStatus *self = user_data;
  g_autofree char *summary = fb_sync_status_dup_summary (self);

  gtk_label_set_label (self->state_label, summary);
  return G_SOURCE_CONTINUE;
}

static void
update_summary (FbSyncStatus *self)
{
  g_autofree char *summary = fb_sync_status_dup_summary (self);
  gboolean counting = current_state (self) == FB_SYNC_STATE_WAITING_TO_RETRY &&
                      fb_sync_manager_get_next_retry (self->manager) > 0;

  gtk_label_set_label (self->state_label, summary);

  if (counting && self->countdown_source == 0)
    self->countdown_source = g_timeout_add_seconds (1, countdown_cb, self);
  else if (!counting)
    g_clear_handle_id (&self->countdown_source, g_source_remove);
}

/* The popover's words: the sentence, the counts, the times. */
static void
update_details (FbSyncStatus *self)
{
  g_autofree char *description = fb_sync_status_dup_description (self);
  g_autofree char *counts = NULL;

  if (self->manager != NULL && current_state (self) != FB_SYNC_STATE_NOT_CONFIGURED)
    counts = fb_sync_words_counts (fb_sync_manager_get_pending_count (self->manager),
                                   fb_sync_manager_get_conflict_count (self->manager));

  if (counts != NULL && *counts != '\0')
    {
      g_autofree char *text = g_strconcat (description, "\n", counts, NULL);

      gtk_label_set_label (self->details_label, text);
    }
  else
    gtk_label_set_label (self->details_label, description);
}

/* The icon's accessible label says what its tooltip says. The tooltip
 * itself is made on demand (query-tooltip), so "2 minutes ago" is never
 * stale when it is seen. */
static void
update_state_description (FbSyncStatus *self)
{
  g_autofree char *description = fb_sync_status_dup_description (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
  update_summary (self);
  update_details (self);
}

static gboolean
state_icon_query_tooltip_cb (GtkWidget    *widget,
                             int           x,
                             int           y,
                             gboolean      keyboard_mode,
                             GtkTooltip   *tooltip,
                             FbSyncStatus *self)
{
  g_autofree char *description = fb_sync_status_dup_description (self);

  gtk_tooltip_set_text (tooltip, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->state_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description,
                                  -1);
  return TRUE;
}

/* Without a server every item is "pending" for ever: the badge would only
 * be noise for someone who syncs nothing. With sync turned off, though,
 * the count says what the next sync will send. */
static void
update_pending_visible (FbSyncStatus *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->pending_badge),
                          self->manager != NULL &&
                          (current_state (self) != FB_SYNC_STATE_NOT_CONFIGURED ||
                           !fb_sync_manager_get_enabled (self->manager)) &&
                          fb_sync_manager_get_pending_count (self->manager) > 0);
}

static void
update_state (FbSyncStatus *self)
{
  FbSyncState state = current_state (self);
  gboolean syncing = state == FB_SYNC_STATE_SYNCING;
  const char *refresh_words;

  gtk_image_set_from_icon_name (self->state_icon, state_icon_name (self));
  update_pending_visible (self);

  if (state == FB_SYNC_STATE_NEEDS_ATTENTION)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "warning");
  if (state == FB_SYNC_STATE_NOT_CONFIGURED)
    gtk_widget_add_css_class (GTK_WIDGET (self->state_icon), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_icon), "dim-label");

  if (syncing)
    gtk_widget_add_css_class (GTK_WIDGET (self->refresh_button), "syncing");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->refresh_button), "syncing");
  gtk_stack_set_visible_child_name (self->refresh_stack, syncing ? "spinner" : "icon");
  gtk_spinner_set_spinning (self->spinner, syncing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->refresh_button),
                            !syncing && state != FB_SYNC_STATE_NOT_CONFIGURED);

  refresh_words = syncing ? _("Syncing…") : _("Sync Now");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->refresh_button), refresh_words);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->refresh_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, refresh_words,
                                  -1);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->refresh_button),
                               GTK_ACCESSIBLE_STATE_BUSY, syncing,
                               -1);

  update_state_description (self);
}

static void
manager_state_changed_cb (FbSyncStatus *self)
{
  update_state (self);
}

static void
manager_description_changed_cb (FbSyncStatus *self)
{
  update_state_description (self);
}

static void
set_transfer (FbSyncStatus *self,
              char         *words)
{
  if (g_strcmp0 (self->transfer, words) == 0)
    {
      g_free (words);
      return;
    }
  g_free (self->transfer);
  self->transfer = words;
  update_summary (self);
  update_details (self);
  update_state_description (self);
}

static void
manager_transfer_progress_cb (FbSyncStatus        *self,
                              const char          *item_id,
                              const char          *name,
                              FbTransferDirection  direction,
                              guint64              bytes_done,
                              guint64              bytes_total,
                              FbSyncManager       *manager)
{
  /* 0 of 0: nothing in flight now. */
  set_transfer (self, bytes_total > 0 && name != NULL
                      ? fb_transfer_words (name, direction, bytes_done, bytes_total) : NULL);
}

static gboolean
count_to_visible (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_uint (from) > 0);
  return TRUE;
}

static gboolean
pending_to_label (GBinding     *binding,
                  const GValue *from,
                  GValue       *to,
                  gpointer      user_data)
{
  guint n = g_value_get_uint (from);

  g_value_take_string (to, g_strdup_printf (ngettext ("%u pending", "%u pending", n), n));
  return TRUE;
}

static gboolean
conflicts_to_label (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  guint n = g_value_get_uint (from);

  g_value_take_string (to, g_strdup_printf (ngettext ("%u conflict", "%u conflicts", n), n));
  return TRUE;
}

static gboolean
pending_to_tooltip (GBinding     *binding,
                    const GValue *from,
                    GValue       *to,
                    gpointer      user_data)
{
  guint n = g_value_get_uint (from);

  g_value_take_string (to, g_strdup_printf (ngettext ("%u change is not on the server yet",
                                                      "%u changes are not on the server yet", n),
                                            n));
  return TRUE;
}

/* Badges: the accessible label follows the visible text, the description
 * follows the tooltip. */
static void
pending_badge_notify_cb (FbSyncStatus *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pending_badge),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_label (self->pending_badge),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  gtk_widget_get_tooltip_text (GTK_WIDGET (self->pending_badge)),
                                  -1);
}

static void
conflicts_label_notify_cb (FbSyncStatus *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->conflicts_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_label (self->conflicts_label),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Resolve Conflicts"),
                                  -1);
}

static void
refresh_button_clicked_cb (FbSyncStatus *self)
{
  if (self->manager != NULL)
    fb_sync_manager_sync_now (self->manager);
}

/* Not set up (or turned off), there is nothing to explain but where to
 * set it up; otherwise the popover says everything. */
static void
state_button_clicked_cb (FbSyncStatus *self)
{
  graphene_rect_t bounds;

  if (current_state (self) == FB_SYNC_STATE_NOT_CONFIGURED)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-preferences", NULL);
      return;
    }

  /* Set only here: pointing_to queues a resize of the popover. */
  if (gtk_widget_compute_bounds (GTK_WIDGET (self->state_button), GTK_WIDGET (self), &bounds))
    gtk_popover_set_pointing_to (self->details_popover,
                                 &(GdkRectangle) { bounds.origin.x, bounds.origin.y,
                                                   bounds.size.width, bounds.size.height });
  update_details (self);
  gtk_popover_popup (self->details_popover);
}

static void
details_preferences_clicked_cb (FbSyncStatus *self)
{
  gtk_popover_popdown (self->details_popover);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-preferences", NULL);
}

gboolean
fb_sync_status_get_details_shown (FbSyncStatus *self)
{
  g_return_val_if_fail (FB_IS_SYNC_STATUS (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->details_popover));
}

const char *
fb_sync_status_get_details (FbSyncStatus *self)
{
  g_return_val_if_fail (FB_IS_SYNC_STATUS (self), NULL);

  return gtk_label_get_label (self->details_label);
}

static void
conflicts_button_clicked_cb (FbSyncStatus *self)
{
  gboolean handled = FALSE;

  g_signal_emit (self, signals[RESOLVE_CONFLICTS], 0, &handled);
  if (!handled)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.resolve-conflicts", NULL);
}

GtkWidget *
fb_sync_status_new (FbSyncManager *manager)
{
  g_return_val_if_fail (manager == NULL || FB_IS_SYNC_MANAGER (manager), NULL);

  return g_object_new (FB_TYPE_SYNC_STATUS, "manager", manager, NULL);
}

FbSyncManager *
fb_sync_status_get_manager (FbSyncStatus *self)
{
  g_return_val_if_fail (FB_IS_SYNC_STATUS (self), NULL);

  return self->manager;
}

void
fb_sync_status_set_manager (FbSyncStatus  *self,
                            FbSyncManager *manager)
{
  g_return_if_fail (FB_IS_SYNC_STATUS (self));
  g_return_if_fail (manager == NULL || FB_IS_SYNC_MANAGER (manager));

  if (!g_set_object (&self->manager, manager))
    return;

  g_signal_group_set_target (self->manager_signals, manager);
  g_binding_group_set_source (self->manager_bindings, manager);
  g_clear_pointer (&self->transfer, g_free);

  if (manager == NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->conflicts_button), FALSE);

  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MANAGER]);
}

static void
fb_sync_status_dispose (GObject *object)
{
  FbSyncStatus *self = FB_SYNC_STATUS (object);

  if (self->manager_signals != NULL)
    g_signal_group_set_target (self->manager_signals, NULL);
  if (self->manager_bindings != NULL)
    g_binding_group_set_source (self->manager_bindings, NULL);
  g_clear_object (&self->manager_signals);
  g_clear_object (&self->manager_bindings);
  g_clear_object (&self->manager);
  g_clear_handle_id (&self->countdown_source, g_source_remove);
  g_clear_pointer (&self->transfer, g_free);
  if (self->details_popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->details_popover));
      self->details_popover = NULL;
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_SYNC_STATUS);

  G_OBJECT_CLASS (fb_sync_status_parent_class)->dispose (object);
}

static void
fb_sync_status_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FbSyncStatus *self = FB_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      g_value_set_object (value, self->manager);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fb_sync_status_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FbSyncStatus *self = FB_SYNC_STATUS (object);

  switch (prop_id)
    {
    case PROP_MANAGER:
      fb_sync_status_set_manager (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* ---- Layout: the box, and the popover pointing at the state button ---- */

static void
fb_sync_status_measure (GtkWidget      *widget,
                        GtkOrientation  orientation,
                        int             for_size,
                        int            *minimum,
                        int            *natural,
                        int            *minimum_baseline,
                        int            *natural_baseline)
{
  FbSyncStatus *self = FB_SYNC_STATUS (widget);

  gtk_widget_measure (self->box, orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
fb_sync_status_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  FbSyncStatus *self = FB_SYNC_STATUS (widget);

  gtk_widget_allocate (self->box, width, height, baseline, NULL);
  gtk_popover_present (self->details_popover);
}

static void
fb_sync_status_class_init (FbSyncStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_sync_status_dispose;
  object_class->get_property = fb_sync_status_get_property;
  object_class->set_property = fb_sync_status_set_property;
  widget_class->measure = fb_sync_status_measure;
  widget_class->size_allocate = fb_sync_status_size_allocate;

  properties[PROP_MANAGER] =
    g_param_spec_object ("manager", NULL, NULL, FB_TYPE_SYNC_MANAGER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * FbSyncStatus::resolve-conflicts:
   *
   * The person clicked the conflicts badge. Return TRUE when handled;
   * otherwise the widget activates "win.resolve-conflicts".
   */
  signals[RESOLVE_CONFLICTS] =
    g_signal_new ("resolve-conflicts", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_true_handled, NULL, NULL,
                  G_TYPE_BOOLEAN, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/ui/fb-sync-status.ui");
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, box);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, state_button);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, state_icon);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, state_label);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, pending_badge);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, conflicts_button);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, conflicts_label);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, refresh_stack);
  gtk_widget_class_bind_template_child (widget_class, FbSyncStatus, spinner);
  gtk_widget_class_bind_template_callback (widget_class, state_icon_query_tooltip_cb);
  gtk_widget_class_bind_template_callback (widget_class, refresh_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, conflicts_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, state_button_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "fbsyncstatus");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
make_details_popover (FbSyncStatus *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("Sync _Preferences"));

  self->details_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->details_label, TRUE);
  gtk_label_set_max_width_chars (self->details_label, 40);
  gtk_label_set_xalign (self->details_label, 0);
  gtk_label_set_selectable (self->details_label, FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->details_label));
  gtk_widget_set_halign (button, GTK_ALIGN_END);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (details_preferences_clicked_cb), self);
  gtk_box_append (GTK_BOX (box), button);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);

  self->details_popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->details_popover, box);
  gtk_popover_set_position (self->details_popover, GTK_POS_BOTTOM);
  gtk_widget_set_parent (GTK_WIDGET (self->details_popover), GTK_WIDGET (self));
}

static void
fb_sync_status_init (FbSyncStatus *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  make_details_popover (self);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sync status"),
                                  -1);

  self->manager_signals = g_signal_group_new (FB_TYPE_SYNC_MANAGER);
  g_signal_group_connect_swapped (self->manager_signals, "notify::state",
                                  G_CALLBACK (manager_state_changed_cb), self);
  g_signal_group_connect_swapped (self->manager_signals, "notify::online",
                                  G_CALLBACK (manager_state_changed_cb), self);
  /* The counts decide the badge and whether idle is "up to date". */
  g_signal_group_connect_swapped (self->manager_signals, "notify::pending-count",
                                  G_CALLBACK (manager_state_changed_cb), self);
  g_signal_group_connect_swapped (self->manager_signals, "notify::conflict-count",
                                  G_CALLBACK (manager_state_changed_cb), self);
  g_signal_group_connect_swapped (self->manager_signals, "notify::last-error",
                                  G_CALLBACK (manager_state_changed_cb), self);
  g_signal_group_connect_swapped (self->manager_signals, "notify::last-synced",
                                  G_CALLBACK (manager_description_changed_cb), self);
  g_signal_group_connect_swapped (self->manager_signals, "notify::next-retry",
                                  G_CALLBACK (manager_description_changed_cb), self);
  g_signal_group_connect_swapped (self->manager_signals, "transfer-progress",
                                  G_CALLBACK (manager_transfer_progress_cb), self);

  self->manager_bindings = g_binding_group_new ();
  g_binding_group_bind_full (self->manager_bindings, "pending-count",
                             self->pending_badge, "tooltip-text", G_BINDING_SYNC_CREATE,
                             pending_to_tooltip, NULL, NULL, NULL);
  g_binding_group_bind_full (self->manager_bindings, "pending-count",
                             self->pending_badge, "label", G_BINDING_SYNC_CREATE,
                             pending_to_label, NULL, NULL, NULL);
  g_binding_group_bind_full (self->manager_bindings, "conflict-count",
                             self->conflicts_button, "visible", G_BINDING_SYNC_CREATE,
                             count_to_visible, NULL, NULL, NULL);
  g_binding_group_bind_full (self->manager_bindings, "conflict-count",
                             self->conflicts_label, "label", G_BINDING_SYNC_CREATE,
                             conflicts_to_label, NULL, NULL, NULL);

  /* Bound last: the label binding fires after the tooltip is set. */
  g_signal_connect_swapped (self->pending_badge, "notify::label",
                            G_CALLBACK (pending_badge_notify_cb), self);
  g_signal_connect_swapped (self->conflicts_label, "notify::label",
                            G_CALLBACK (conflicts_label_notify_cb), self);

  update_state (self);
}
