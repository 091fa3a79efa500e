/* hn-args.h: parsing of the hn tool's arguments
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hypernodes/hypernodes.h>

G_BEGIN_DECLS

/* Shared by hn and its fuzz harness (tests/fuzz/fuzz-cli.c): whatever the arguments, these
 * return a value or set a GError whose message is valid UTF-8, and never emit a critical. */

char        *hn_args_escape         (const char          *text) G_GNUC_WARN_UNUSED_RESULT;
char        *hn_args_escape_message (const char          *message) G_GNUC_WARN_UNUSED_RESULT;
HnExecutor  *hn_args_parse_executor (const char          *spec,
                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;
char       **hn_args_parse_names    (const char          *list,
                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean     hn_args_check_names    (const char * const  *names,
                                     const char          *what,
                                     GError             **error);
GVariant    *hn_args_parse_inputs   (HnPipeline          *pipeline,
                                     const char * const  *args,
                                     const char * const  *mapped,
                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* Parses the text of input @name as a value of @type (NULL: any type); on failure sets @error,
 * with a hint where one helps. */
typedef GVariant *(*HnArgsValueParser) (const char          *name,
                                        const GVariantType  *type,
                                        const char          *text,
                                        GError             **error);

GVariant           *hn_args_parse_value       (const char          *name,
                                               const GVariantType  *type,
                                               const char          *text,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
GVariant           *hn_args_parse_inputs_full (HnPipeline          *pipeline,
                                               const char * const  *args,
                                               const char * const  *mapped,
                                               HnArgsValueParser    parser,
                                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
const GVariantType *hn_args_input_type        (HnPipeline          *pipeline,
                                               const char          *name);
gboolean            hn_args_is_bare_word      (const char          *text);

G_END_DECLS
