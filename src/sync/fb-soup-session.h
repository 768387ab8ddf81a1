/* fb-soup-session.h: the one way Fieldbook makes a SoupSession */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The session's I/O timeout in seconds. A longpoll is bounded by its
 * client's own deadline and asks for heartbeats when it waits longer. */
#define FB_SOUP_SESSION_TIMEOUT_S 60

/* A session with Fieldbook's timeouts, connection limit and User-Agent
 * ("Fieldbook/<version>"), for every client that talks to a server. */
SoupSession *fb_soup_session_new (void);

G_END_DECLS
