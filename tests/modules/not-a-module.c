/* not-a-module.c: a shared object without the entry point, for the error test
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

int hn_not_a_module (void);

int
hn_not_a_module (void)
{
  return 42;
}
