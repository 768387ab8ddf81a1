/* fb-soup-session.c: the one way Fieldbook makes a SoupSession */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "fb-soup-session"

#include "config.h"

#include "fb-soup-session.h"

/* Owns the settings every HTTP client shares (as GNOME Calendar's
 * gcal_create_soup_session does): timeouts, connections per host and the
 * User-Agent the server sees. */

#define SESSION_IDLE_TIMEOUT_S 60
#define MAX_CONNS_PER_HOST     4
#define USER_AGENT             "Fieldbook/" PACKAGE_VERSION

SoupSession *
fb_soup_session_new (void)
{
  return soup_session_new_with_options ("timeout", FB_SOUP_SESSION_TIMEOUT_S,
                                        "idle-timeout", SESSION_IDLE_TIMEOUT_S,
                                        "max-conns-per-host", MAX_CONNS_PER_HOST,
                                        "user-agent", USER_AGENT,
                                        NULL);
}
