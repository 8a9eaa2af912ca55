/**
 * Hot keys served from the member that receives them: {@link dev.tokenplane.bms.hotkeys.HotKeyLease} decides, per key
 * and member, when to lease tokens from the key's owner and serves requests from that lease; pure, on a clock passed
 * in. Not yet wired into the decision path.
 */
package dev.tokenplane.bms.hotkeys;
