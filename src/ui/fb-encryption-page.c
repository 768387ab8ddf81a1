/* fb-encryption-page.c: the Preferences page for end-to-end encryption */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-preferences"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-crypto.h"
#include "fb-encryption-page.h"
#include "fb-sync-error.h"
#include "fb-sync-words.h"
#include "fb-ui-util.h"

/* What the page shows follows from the account (is a server set up, does
 * the keyring hold a passphrase for its database) and from what the sync
 * manager last found (the database's key open, or the passphrase missing
 * or wrong). Turning encryption on and unlocking keep the passphrase in
 * the keyring first, then give it to the manager and sync; the run says
 * whether it worked. Asynchronous calls hold the page weakly
 * (fb_weak_ref_new ()). */

/* Long enough that guessing it offline costs more than it is worth, with
 * Argon2id's cost on top. */
#define MIN_PASSPHRASE_CHARS 8

typedef enum {
  MODE_NOT_CONFIGURED,
  MODE_OFF,
  MODE_NEEDS_PASSPHRASE,
  MODE_WRONG_PASSPHRASE,
  MODE_ON,
} Mode;

struct _FbEncryptionPage
{
  AdwPreferencesPage    parent_instance;

  AdwActionRow         *state_row;
  GtkProgressBar       *progress;
  GtkSpinner           *spinner;
  AdwPasswordEntryRow  *passphrase_row;
  AdwPasswordEntryRow  *repeat_row;
  AdwActionRow         *action_row;
  GtkButton            *action_button;
  AdwPreferencesGroup  *change_group;
  AdwExpanderRow       *change_row;
  AdwPasswordEntryRow  *new_row;
  AdwPasswordEntryRow  *new_repeat_row;
  AdwActionRow         *change_action_row;
  GtkButton            *change_button;
  AdwPreferencesGroup  *compact_group;
  AdwActionRow         *compact_row;
  GtkButton            *compact_button;

  FbSyncManager        *manager;
  FbAccount            *account;
  /* Something asked for is under way (keyring, server or a run). */
  gboolean              busy;
  /* Turned on or unlocked: the next finished run ends the wait. */
  gboolean              waiting_for_run;
  /* While a run sends encrypted what is pending (after turning on: every
   * item), the most that was pending: the bar counts what has gone. 0
   * when nothing is being sent. */
  guint                 sending_total;
};

G_DEFINE_FINAL_TYPE (FbEncryptionPage, fb_encryption_page, ADW_TYPE_PREFERENCES_PAGE)

/* ---- Showing the state ---- */

static Mode
current_mode (FbEncryptionPage *self)
{
  const GError *error = fb_sync_manager_get_last_error (self->manager);

  if (!fb_account_is_configured (self->account))
    return MODE_NOT_CONFIGURED;
  if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_NEEDS_PASSPHRASE))
    return MODE_NEEDS_PASSPHRASE;
  if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_WRONG_PASSPHRASE))
    return MODE_WRONG_PASSPHRASE;
  if (fb_account_get_passphrase (self->account) != NULL ||
      fb_sync_manager_get_encrypted (self->manager))
    return MODE_ON;
  return MODE_OFF;
}

/* Is a run sending encrypted changes now? Then sending_total is the most
 * that was pending during it. */
static void
follow_sending (FbEncryptionPage *self,
                Mode              mode)
{
  guint pending = fb_sync_manager_get_pending_count (self->manager);
  gboolean sending = mode == MODE_ON && pending > 0 &&
                     fb_sync_manager_get_encrypted (self->manager) &&
                     fb_sync_manager_get_state (self->manager) == FB_SYNC_STATE_SYNCING;

  if (!sending)
    self->sending_total = 0;
  else
    self->sending_total = MAX (self->sending_total, pending);
}

static char *
state_words (FbEncryptionPage *self,
             Mode              mode)
{
  guint pending = fb_sync_manager_get_pending_count (self->manager);

  if (self->sending_total > 0)
    /* Translators: the first %u is how many items were sent, the second how many there are */
    return g_strdup_printf (ngettext ("Encrypting and sending: %u of %u item",
                                      "Encrypting and sending: %u of %u items",
                                      self->sending_total),
                            self->sending_total - pending, self->sending_total);

  switch (mode)
    {
    case MODE_NOT_CONFIGURED:
      return g_strdup (_("Set up a server on the Sync page first"));
    case MODE_OFF:
      return g_strdup (_("Off: the server can read what is sent to it"));
    case MODE_NEEDS_PASSPHRASE:
      return g_strdup (_("This database is encrypted. Enter its passphrase to sync."));
    case MODE_WRONG_PASSPHRASE:
      return g_strdup (_("This passphrase does not open the database. Enter the one your other devices use."));
    case MODE_ON:
    default:
      if (!fb_sync_manager_get_encrypted (self->manager))
        return g_strdup (_("On from the next sync"));
      if (pending > 0)
        /* Translators: %u is a number of changes */
        return g_strdup_printf (ngettext ("On: %u change still to send, encrypted",
                                          "On: %u changes still to send, encrypted",
                                          pending),
                                pending);
      return g_strdup (_("On: what is sent is encrypted"));
    }
}

static void
set_problem (AdwActionRow *row,
             const char   *words)
{
  adw_action_row_set_subtitle (row, words != NULL ? words : "");
  if (words != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static void
update (FbEncryptionPage *self)
{
  Mode mode = current_mode (self);
  gboolean asking = mode == MODE_OFF || mode == MODE_NEEDS_PASSPHRASE ||
                    mode == MODE_WRONG_PASSPHRASE;
  gboolean open = mode == MODE_ON && fb_sync_manager_get_encrypted (self->manager);
  g_autofree char *words = NULL;

  follow_sending (self, mode);
  words = state_words (self, mode);
  adw_action_row_set_subtitle (self->state_row, words);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), self->sending_total > 0);
  if (self->sending_total > 0)
    gtk_progress_bar_set_fraction (self->progress,
                                   1.0 - (double) fb_sync_manager_get_pending_count (self->manager) /
                                         self->sending_total);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);

  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_row), asking);
  gtk_widget_set_visible (GTK_WIDGET (self->repeat_row), mode == MODE_OFF);
  gtk_widget_set_visible (GTK_WIDGET (self->action_row), asking);
  gtk_button_set_label (self->action_button,
                        mode == MODE_OFF ? _("_Turn On Encryption") : _("_Unlock"));
  gtk_widget_set_visible (GTK_WIDGET (self->change_group), open);
  gtk_widget_set_visible (GTK_WIDGET (self->compact_group), open);

  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->repeat_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->action_button), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->change_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->compact_button), !self->busy);
}

static void
set_busy (FbEncryptionPage *self,
          gboolean          busy)
{
  self->busy = busy;
  update (self);
}

static void
toast (FbEncryptionPage *self,
       const char       *words)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *escaped = g_markup_escape_text (words, -1);

  /* Toasts take markup; @words may quote a server's answer. */
  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (escaped));
}

/* A passphrase as typed twice, or NULL with why in @problem. */
static char *
checked_passphrase (AdwPasswordEntryRow  *row,
                    AdwPasswordEntryRow  *repeat,
                    const char          **problem)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));

  if (g_utf8_strlen (text, -1) < MIN_PASSPHRASE_CHARS)
    {
      *problem = _("Use at least 8 characters");
      return NULL;
    }
  if (repeat != NULL &&
      g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (repeat))) != 0)
    {
      *problem = _("The two passphrases are not the same");
      return NULL;
    }
  return g_strdup (text);
}

static void
clear_entries (FbEncryptionPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_repeat_row), "");
}

/* ---- Turning on, unlocking ---- */

static void
passphrase_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(FbEncryptionPage) self = fb_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;

  if (!fb_account_save_passphrase_finish (FB_ACCOUNT (object), result, &error))
    {
      g_autofree char *words = NULL;

      if (self == NULL)
        return;
      /* Translators: %s is the keyring's reason */
      words = g_strdup_printf (_("The passphrase could not be kept in the keyring: %s"),
                               error->message);
      set_problem (self->action_row, words);
      set_busy (self, FALSE);
      return;
    }
  if (self == NULL)
    return;

  clear_entries (self);
  set_problem (self->action_row, NULL);
  self->waiting_for_run = TRUE;
  fb_sync_manager_set_passphrase (self->manager, fb_account_get_passphrase (self->account));
  fb_sync_manager_sync_now (self->manager);
  update (self);
}

static void
use_passphrase (FbEncryptionPage *self)
{
  Mode mode = current_mode (self);
  char *passphrase = NULL;
  const char *problem = NULL;

  if (self->busy || mode == MODE_NOT_CONFIGURED || mode == MODE_ON)
    return;

  passphrase = checked_passphrase (self->passphrase_row,
                                   mode == MODE_OFF ? self->repeat_row : NULL,
                                   &problem);
  if (passphrase == NULL && mode != MODE_OFF &&
      *gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)) != '\0')
    /* Unlocking: the database's passphrase, whatever its length. */
    passphrase = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->passphrase_row)));
  if (passphrase == NULL)
    {
      set_problem (self->action_row, problem);
      return;
    }

  set_problem (self->action_row, NULL);
  set_busy (self, TRUE);
  fb_account_save_passphrase_async (self->account, passphrase, passphrase_saved_cb,
                                    fb_weak_ref_new (self));
  fb_secret_free (&passphrase);
}

static void
action_clicked_cb (FbEncryptionPage *self)
{
  use_passphrase (self);
}

static void
entry_activated_cb (FbEncryptionPage *self)
{
  use_passphrase (self);
}

static void
run_finished_cb (FbEncryptionPage *self,
                 const GError     *error,
                 FbSyncManager    *manager)
{
  if (!self->waiting_for_run)
    {
      update (self);
      return;
    }

  self->waiting_for_run = FALSE;
  set_busy (self, FALSE);
  if (error == NULL && fb_sync_manager_get_encrypted (manager))
    toast (self, _("Encryption is on"));
  else if (error != NULL && current_mode (self) == MODE_ON)
    {
      g_autofree char *words = fb_sync_words_error_reason (error);

      /* Translators: %s says why the sync failed */
      g_autofree char *message = g_strdup_printf (_("Encryption is on from the next sync: %s"),
                                                  words);
      toast (self, message);
    }
}

/* ---- Changing the passphrase ---- */

static void
new_passphrase_saved_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(FbEncryptionPage) self = fb_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;

  fb_account_save_passphrase_finish (FB_ACCOUNT (object), result, &error);
  if (self == NULL)
    return;

  set_busy (self, FALSE);
  if (error != NULL)
    {
      /* Translators: %s is the keyring's reason */
      g_autofree char *words = g_strdup_printf (_("The passphrase is changed, but the keyring could not keep it: %s. Fieldbook will ask for it when it starts."),
                                                error->message);
      set_problem (self->change_action_row, words);
      return;
    }

  adw_expander_row_set_expanded (self->change_row, FALSE);
  toast (self, _("Passphrase changed. Your other devices will ask for the new one."));
}

static void
changed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(FbEncryptionPage) self = fb_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  char *passphrase = NULL;

  if (!fb_sync_manager_change_passphrase_finish (FB_SYNC_MANAGER (object), result, &error))
    {
      g_autofree char *words = NULL;
      g_autofree char *message = NULL;

      if (self == NULL)
        return;
      words = fb_sync_words_error_reason (error);
      /* Translators: %s says why */
      message = g_strdup_printf (_("Not changed: %s"), words);
      set_problem (self->change_action_row, message);
      set_busy (self, FALSE);
      return;
    }
  if (self == NULL)
    return;

  passphrase = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->new_row)));
  clear_entries (self);
  fb_account_save_passphrase_async (self->account, passphrase, new_passphrase_saved_cb,
                                    fb_weak_ref_new (self));
  fb_secret_free (&passphrase);
}

static void
change_activated_cb (FbEncryptionPage *self)
{
  char *passphrase = NULL;
  const char *problem = NULL;

  if (self->busy)
    return;

  passphrase = checked_passphrase (self->new_row, self->new_repeat_row, &problem);
  set_problem (self->change_action_row, problem);
  if (passphrase == NULL)
    return;

  set_busy (self, TRUE);
  fb_sync_manager_change_passphrase_async (self->manager, passphrase, NULL, changed_cb,
                                           fb_weak_ref_new (self));
  fb_secret_free (&passphrase);
}

/* ---- Compacting ---- */

static void
compacted_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FbEncryptionPage) self = fb_weak_ref_steal (user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *words = NULL;

  fb_sync_manager_compact_finish (FB_SYNC_MANAGER (object), result, &error);
  if (self == NULL)
    return;

  set_busy (self, FALSE);
  if (error == NULL)
    {
      adw_action_row_set_subtitle (self->compact_row,
                                   _("The server is compacting the database; old versions are removed in the background."));
      return;
    }

  if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED) ||
      g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_FORBIDDEN))
    words = g_strdup (_("Only the server's administrator can compact the database. Ask them to, or sign in as the administrator."));
  else
    {
      g_autofree char *reason = fb_sync_words_error_reason (error);

      /* Translators: %s says why */
      words = g_strdup_printf (_("Could not compact the database: %s"), reason);
    }
  adw_action_row_set_subtitle (self->compact_row, words);
}

static void
compact_clicked_cb (FbEncryptionPage *self)
{
  if (self->busy)
    return;

  set_busy (self, TRUE);
  fb_sync_manager_compact_async (self->manager, NULL, compacted_cb, fb_weak_ref_new (self));
}

/* ---- GObject ---- */

GtkWidget *
fb_encryption_page_new (FbSyncManager *manager,
                        FbAccount     *account)
{
  FbEncryptionPage *self;

  g_return_val_if_fail (FB_IS_SYNC_MANAGER (manager), NULL);
  g_return_val_if_fail (FB_IS_ACCOUNT (account), NULL);

  self = g_object_new (FB_TYPE_ENCRYPTION_PAGE, NULL);
  self->manager = g_object_ref (manager);
  self->account = g_object_ref (account);

  g_signal_connect_object (account, "changed", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::last-error", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::pending-count", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::state", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "run-finished", G_CALLBACK (run_finished_cb), self,
                           G_CONNECT_SWAPPED);
  update (self);

  return GTK_WIDGET (self);
}

static void
fb_encryption_page_dispose (GObject *object)
{
  FbEncryptionPage *self = FB_ENCRYPTION_PAGE (object);

  g_clear_object (&self->manager);
  g_clear_object (&self->account);

  gtk_widget_dispose_template (GTK_WIDGET (self), FB_TYPE_ENCRYPTION_PAGE);

  G_OBJECT_CLASS (fb_encryption_page_parent_class)->dispose (object);
}

static void
fb_encryption_page_class_init (FbEncryptionPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fb_encryption_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldbook/Fieldbook/ui/fb-encryption-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, progress);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, passphrase_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, action_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, action_button);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, change_group);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, change_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, new_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, new_repeat_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, change_action_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, change_button);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, compact_group);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, compact_row);
  gtk_widget_class_bind_template_child (widget_class, FbEncryptionPage, compact_button);
  gtk_widget_class_bind_template_callback (widget_class, action_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, change_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, compact_clicked_cb);
}

static void
fb_encryption_page_init (FbEncryptionPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
