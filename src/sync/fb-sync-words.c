/* fb-sync-words.c: sync states and errors in words, for the window and the command line */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-sync-words"

#include "config.h"

#include <glib/gi18n.h>

#include "fb-sync-error.h"
#include "fb-sync-words.h"

#define SECONDS_PER_MINUTE 60
#define SECONDS_PER_HOUR   (60 * SECONDS_PER_MINUTE)

/* Owns every sentence about syncing that a person reads: the header bar's
 * status (fb-sync-status.c), the window's banner (fb-sync-banner.c), the
 * preferences and `fieldbook --sync` (src/cli/fb-cli.c). GLib and gettext
 * only, so the command line can use it without GTK. */

/* ---- Errors ---- */

char *
fb_sync_words_error (const GError *error)
{
  if (error == NULL)
    return g_strdup ("");

  if (error->domain != FB_SYNC_ERROR)
    return g_strdup (error->message);

  switch ((FbSyncError) error->code)
    {
    case FB_SYNC_ERROR_NOT_CONFIGURED:
      return g_strdup (_("No server is set up."));
    case FB_SYNC_ERROR_INVALID_URL:
      return g_strdup (_("The server address is not valid."));
    case FB_SYNC_ERROR_UNREACHABLE:
      return g_strdup (_("The server cannot be reached. Check the address and the network connection."));
    case FB_SYNC_ERROR_TIMEOUT:
      return g_strdup (_("The server did not answer in time."));
    case FB_SYNC_ERROR_TLS:
      return g_strdup (_("A secure connection to the server could not be made. Its certificate may not be trusted, or it may not support https://."));
    case FB_SYNC_ERROR_UNAUTHORIZED:
      return g_strdup (_("The server did not accept the user name or password."));
    case FB_SYNC_ERROR_FORBIDDEN:
      return g_strdup (_("This user is not allowed to use the database."));
    case FB_SYNC_ERROR_NOT_FOUND:
      return g_strdup (_("The database does not exist on the server."));
    case FB_SYNC_ERROR_TOO_MANY_REQUESTS:
      return g_strdup (_("The server is busy."));
    case FB_SYNC_ERROR_SERVER:
      return g_strdup (_("The server reported a problem."));
    case FB_SYNC_ERROR_BAD_RESPONSE:
      return g_strdup (_("The server’s answer was not understood. Is this the address of a CouchDB server?"));
    case FB_SYNC_ERROR_STORE:
      /* Translators: %s is the database's own explanation. */
      return g_strdup_printf (_("Changes could not be saved on this device: %s"), error->message);
    case FB_SYNC_ERROR_NEEDS_PASSPHRASE:
      return g_strdup (_("The notes on the server are encrypted. Fieldbook needs their encryption passphrase to read them."));
    case FB_SYNC_ERROR_WRONG_PASSPHRASE:
      return g_strdup (_("The encryption passphrase is wrong. Nothing was changed."));
    case FB_SYNC_ERROR_UNDECRYPTABLE:
      return g_strdup (_("The server’s version could not be decrypted: it was changed without the key, or damaged. This device’s version is kept."));
    case FB_SYNC_ERROR_TOO_LARGE:
      return g_strdup (_("The server does not take files this large (its limit for attachments, such as CouchDB’s max_attachment_size or Cloudant’s 10 MB). The item stays saved on this device; a smaller file, or a server with a higher limit, can be synced."));
    default:
      return g_strdup (error->message);
    }
}

char *
fb_sync_words_error_reason (const GError *error)
{
  if (error->domain != FB_SYNC_ERROR)
    return g_strdup (error->message);

  switch ((FbSyncError) error->code)
    {
    case FB_SYNC_ERROR_NOT_CONFIGURED:
      return g_strdup (_("no server is set up (use --server URL)"));
    case FB_SYNC_ERROR_INVALID_URL:
      return g_strdup (_("the server address is not valid"));
    case FB_SYNC_ERROR_UNREACHABLE:
      return g_strdup (_("the server cannot be reached"));
    case FB_SYNC_ERROR_TIMEOUT:
      return g_strdup (_("the server did not answer in time"));
    case FB_SYNC_ERROR_TLS:
      return g_strdup (_("the server’s certificate cannot be trusted"));
    case FB_SYNC_ERROR_UNAUTHORIZED:
      return g_strdup (_("wrong user name or password"));
    case FB_SYNC_ERROR_FORBIDDEN:
      return g_strdup (_("this user may not use the database"));
    case FB_SYNC_ERROR_NOT_FOUND:
      return g_strdup (_("the database does not exist on the server"));
    case FB_SYNC_ERROR_TOO_MANY_REQUESTS:
      return g_strdup (_("the server is busy; try again later"));
    case FB_SYNC_ERROR_SERVER:
      /* Translators: %s is the server's own (English) message */
      return g_strdup_printf (_("the server reported a problem (%s)"), error->message);
    case FB_SYNC_ERROR_BAD_RESPONSE:
      /* Translators: %s is a technical detail */
      return g_strdup_printf (_("the server’s answer was not understood (%s)"), error->message);
    case FB_SYNC_ERROR_STORE:
      /* Translators: %s is a technical detail */
      return g_strdup_printf (_("the local database failed (%s)"), error->message);
    case FB_SYNC_ERROR_NEEDS_PASSPHRASE:
      return g_strdup (_("the database is encrypted: give its passphrase in FIELDBOOK_PASSPHRASE"));
    case FB_SYNC_ERROR_WRONG_PASSPHRASE:
      return g_strdup (_("the encryption passphrase is wrong; nothing was changed"));
    case FB_SYNC_ERROR_UNDECRYPTABLE:
      return g_strdup (_("the server’s version could not be decrypted"));
    case FB_SYNC_ERROR_TOO_LARGE:
      return g_strdup (_("the server does not take attachments this large"));
    default:
      return g_strdup (error->message);
    }
}

gboolean
fb_sync_words_is_unreachable (const GError *error)
{
  return g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNREACHABLE) ||
         g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_TIMEOUT);
}

/* ---- States ---- */

const char *
fb_sync_words_state (FbSyncState   state,
                     gboolean      enabled,
                     const GError *error,
                     guint         pending,
                     guint         conflicts)
{
  switch (state)
    {
    case FB_SYNC_STATE_NOT_CONFIGURED:
      if (!enabled)
        return _("Sync is turned off");
      if (error != NULL)
        return _("Sync cannot start");
      return _("Sync is not set up");
    case FB_SYNC_STATE_OFFLINE:
      return _("Offline: changes are kept on this device");
    case FB_SYNC_STATE_IDLE:
      if (conflicts > 0)
        return _("Some changes wait for your choice");
      if (pending > 0)
        return _("Some changes are not on the server yet");
      return _("Up to date");
    case FB_SYNC_STATE_SYNCING:
      return _("Syncing…");
    case FB_SYNC_STATE_WAITING_TO_RETRY:
      if (fb_sync_words_is_unreachable (error))
        return _("Server unreachable: changes are kept on this device");
      return _("Sync failed");
    case FB_SYNC_STATE_NEEDS_ATTENTION:
      return _("Sync needs attention");
    default:
      g_assert_not_reached ();
    }
}

/* ---- Times ---- */

/* Up to this long ago, "Synced 3 hours ago"; later, a time or a date. */
#define RELATIVE_HOURS_LIMIT (12 * G_TIME_SPAN_HOUR)

static gboolean
same_day (GDateTime *a,
          GDateTime *b)
{
  return g_date_time_get_year (a) == g_date_time_get_year (b) &&
         g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b);
}

/* "Last synced on 3 March 2026, 10:42" */
static char *
last_synced_on (GDateTime *last_synced)
{
  /* Translators: a date and time, see the strftime manual. */
  g_autofree char *time_str = g_strstrip (g_date_time_format (last_synced, _("%e %B %Y, %H:%M")));

  /* Translators: %s is a date and time. */
  return g_strdup_printf (_("Last synced on %s"), time_str);
}

/* @real_time (µs since the epoch) as a time of day in this time zone. */
static char *
time_of_day (gint64 real_time)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (real_time / G_USEC_PER_SEC);

  /* Translators: a time of day, see the strftime manual. */
  return g_date_time_format (time, _("%H:%M"));
}

char *
fb_sync_words_last_synced (GDateTime *last_synced,
                           GDateTime *now)
{
  GTimeSpan span;
  g_autofree char *time_str = NULL;

  if (last_synced == NULL)
    return g_strdup (_("Never synced"));

  span = g_date_time_difference (now, last_synced);
  if (span < 0)
    span = 0;

  if (span < G_TIME_SPAN_MINUTE)
    return g_strdup (_("Synced just now"));
  if (span < G_TIME_SPAN_HOUR)
    {
      guint minutes = span / G_TIME_SPAN_MINUTE;

      return g_strdup_printf (ngettext ("Synced %u minute ago", "Synced %u minutes ago", minutes),
                              minutes);
    }
  if (span < RELATIVE_HOURS_LIMIT)
    {
      guint hours = span / G_TIME_SPAN_HOUR;

      return g_strdup_printf (ngettext ("Synced %u hour ago", "Synced %u hours ago", hours),
                              hours);
    }

  if (same_day (now, last_synced))
    {
      /* Translators: a time of day, see the strftime manual. */
      time_str = g_date_time_format (last_synced, _("%H:%M"));
      /* Translators: %s is a time of day, e.g. 10:42. */
      return g_strdup_printf (_("Synced today at %s"), time_str);
    }

  return last_synced_on (last_synced);
}

/* When the last sync succeeded, as a time: for states in which the sync is
 * not working now. */
char *
fb_sync_words_last_success (GDateTime *last_synced,
                            GDateTime *now)
{
  g_autofree char *time_str = NULL;

  if (last_synced == NULL)
    return g_strdup (_("Never synced"));

  if (same_day (now, last_synced))
    {
      /* Translators: a time of day, see the strftime manual. */
      time_str = g_date_time_format (last_synced, _("%H:%M"));
      /* Translators: %s is a time of day, e.g. 10:42. */
      return g_strdup_printf (_("Last synced at %s"), time_str);
    }

  return last_synced_on (last_synced);
}

char *
fb_sync_words_retry_at (gint64 next_retry)
{
  g_autofree char *time_str = time_of_day (next_retry);

  /* Translators: %s is a time of day, e.g. 10:42. */
  return g_strdup_printf (_("Trying again at %s"), time_str);
}

/* When the next try is, as a whole sentence; computed when the state
 * changes, so it is a countdown from then, good to a few seconds. */
char *
fb_sync_words_unreachable (gint64 next_retry)
{
  gint64 seconds;

  if (next_retry <= 0)
    return g_strdup (_("Can’t reach the server. Fieldbook will try again."));

  seconds = (next_retry - g_get_real_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  seconds = MAX (seconds, 1);
  if (seconds < SECONDS_PER_MINUTE)
    return g_strdup_printf (ngettext ("Can’t reach the server. Trying again in %u second.",
                                      "Can’t reach the server. Trying again in %u seconds.",
                                      (guint) seconds),
                            (guint) seconds);
  if (seconds < SECONDS_PER_HOUR)
    {
      guint minutes = (seconds + SECONDS_PER_MINUTE - 1) / SECONDS_PER_MINUTE;

      return g_strdup_printf (ngettext ("Can’t reach the server. Trying again in %u minute.",
                                        "Can’t reach the server. Trying again in %u minutes.",
                                        minutes),
                              minutes);
    }

  {
    g_autofree char *time_str = time_of_day (next_retry);

    /* TRANSLATORS: %s is a time of day, e.g. 14:05 */
    return g_strdup_printf (_("Can’t reach the server. Trying again at %s."), time_str);
  }
}

char *
fb_sync_words_failure (const GError *error,
                       gint64        next_retry)
{
  g_autofree char *words = fb_sync_words_error (error);
  g_autofree char *time_str = NULL;

  if (next_retry <= 0)
    return g_steal_pointer (&words);

  time_str = time_of_day (next_retry);
  /* TRANSLATORS: %1$s says why syncing failed (a sentence), %2$s is a time of day */
  return g_strdup_printf (_("%1$s Trying again at %2$s."), words, time_str);
}

/* What the window's banner says while a failed run waits for its retry. */
char *
fb_sync_words_retrying (const GError *error,
                        gint64        next_retry)
{
  if (fb_sync_words_is_unreachable (error))
    return fb_sync_words_unreachable (next_retry);
  /* A full disk or a failing database: a retry alone will not help, so no
   * time; the words say what to do. */
  if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_STORE))
    return fb_sync_words_error (error);

  return fb_sync_words_failure (error, next_retry);
}

/* What the window's banner says when sync stopped until something is
 * changed. */
char *
fb_sync_words_needs_attention (const GError *error)
{
  if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED))
    return g_strdup (_("The server refused the user name or password."));

  return fb_sync_words_error (error);
}

/* ---- The header bar's label ---- */

/* "in 7 s", "in 3 min": how long until @next_retry, rounded up. */
static char *
countdown (gint64 next_retry,
           gint64 now)
{
  gint64 seconds = (next_retry - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

  seconds = MAX (seconds, 1);
  if (seconds < SECONDS_PER_MINUTE)
    /* Translators: a countdown; %u is a number of seconds. */
    return g_strdup_printf (_("%u s"), (guint) seconds);

  /* Translators: a countdown; %u is a number of minutes. */
  return g_strdup_printf (_("%u min"), (guint) ((seconds + SECONDS_PER_MINUTE - 1) / SECONDS_PER_MINUTE));
}

char *
fb_sync_words_summary (FbSyncState   state,
                       gboolean      enabled,
                       const GError *error,
                       GDateTime    *last_synced,
                       gint64        next_retry,
                       gint64        now)
{
  switch (state)
    {
    case FB_SYNC_STATE_NOT_CONFIGURED:
      if (!enabled)
        return g_strdup (_("Sync off"));
      if (error != NULL)
        return g_strdup (_("Sync can’t start"));
      return g_strdup (_("Set up sync"));
    case FB_SYNC_STATE_OFFLINE:
      return g_strdup (_("Offline"));
    case FB_SYNC_STATE_IDLE:
      {
        g_autoptr(GDateTime) now_time = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
        g_autofree char *time_str = NULL;

        if (last_synced == NULL)
          return g_strdup (_("Never synced"));
        if (!same_day (now_time, last_synced))
          {
            /* Translators: a short date, see the strftime manual. */
            time_str = g_strstrip (g_date_time_format (last_synced, _("%e %b")));
            /* Translators: %s is a short date, e.g. 3 Mar. */
            return g_strdup_printf (_("Synced on %s"), time_str);
          }
        /* Translators: a time of day, see the strftime manual. */
        time_str = g_date_time_format (last_synced, _("%H:%M"));
        /* Translators: %s is a time of day, e.g. 19:27. */
        return g_strdup_printf (_("Synced at %s"), time_str);
      }
    case FB_SYNC_STATE_SYNCING:
      return g_strdup (_("Syncing…"));
    case FB_SYNC_STATE_WAITING_TO_RETRY:
      {
        g_autofree char *in = NULL;

        if (next_retry <= 0)
          return g_strdup (fb_sync_words_is_unreachable (error) ? _("Can’t reach the server")
                                                                : _("Sync failed"));
        in = countdown (next_retry, now);
        if (fb_sync_words_is_unreachable (error))
          /* Translators: %s is a countdown, e.g. "7 s". */
          return g_strdup_printf (_("Can’t reach the server, retrying in %s"), in);
        /* Translators: %s is a countdown, e.g. "7 s". */
        return g_strdup_printf (_("Sync failed, retrying in %s"), in);
      }
    case FB_SYNC_STATE_NEEDS_ATTENTION:
      if (g_error_matches (error, FB_SYNC_ERROR, FB_SYNC_ERROR_UNAUTHORIZED))
        return g_strdup (_("Password refused"));
      return g_strdup (_("Sync needs attention"));
    default:
      g_assert_not_reached ();
    }
}

char *
fb_sync_words_counts (guint pending,
                      guint conflicts)
{
  GString *text = g_string_new (NULL);

  if (pending > 0)
    g_string_append_printf (text, ngettext ("%u change waiting to be sent",
                                            "%u changes waiting to be sent", pending),
                            pending);
  if (conflicts > 0)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, ngettext ("%u item in conflict, waiting for your choice",
                                              "%u items in conflict, waiting for your choice",
                                              conflicts),
                              conflicts);
    }

  return g_string_free (text, FALSE);
}
