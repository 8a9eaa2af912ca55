/**
 * Hot keys served from the member that receives them: {@link dev.tokenplane.bms.hotkeys.HotKeyLease} decides, per key
 * and member, when to lease tokens from the key's owner and serves requests from that lease (pure, on a clock passed
 * in); {@link dev.tokenplane.bms.hotkeys.HotKeyStore} puts it in front of the owners for the member's decisions, which
 * ask it first on the calling thread ({@link dev.tokenplane.bms.decide.ImmediateAcquire}).
 */
package dev.tokenplane.bms.hotkeys;
