/* fb-template-link-row.h: the template editor's choice of which template a link field points to */
/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "fb-store.h"

G_BEGIN_DECLS

/* A row "Links to": any template's records, or one template's (by name).
 * @template_id is the field's "template" option now (NULL: any); a
 * template that is no longer there stays chosen, said in words. */
AdwComboRow *fb_template_link_row_new             (FbStore     *store,
                                                   const char  *template_id);
/* The template chosen (NULL: any), owned by @row. */
const char  *fb_template_link_row_get_template_id (AdwComboRow *row);

G_END_DECLS
