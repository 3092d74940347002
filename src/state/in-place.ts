// Files uplink-lb keeps that other programs read (the resolver file, radvd's configuration):
// written in place, never renamed over.
import { closeSync, constants, ftruncateSync, openSync, utimesSync, writeSync } from 'node:fs';

/** Replaces the file's text in place (created when missing): the new text written over the old
 *  from its start, then cut to its length, so a reader never finds it empty. Not a new file
 *  renamed over it: a file (resolv.conf, radvd.conf) bind-mounted into a container or a network namespace (`ip
 *  netns exec`) keeps its inode there, and dhclient-script writes it in place too. dnsmasq
 *  learns of the change from inotify (the write's close) where it has it; a dnsmasq built
 *  without it polls the modification time and re-reads only when its whole seconds grow, so
 *  that is moved past `notBefore` (a DHCP client may have written the file earlier in the same
 *  second). Returns the modification time given. */
export function replaceInPlace(path: string, text: string, notBefore: number): number {
  const bytes = Buffer.from(text, 'utf8');
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  try {
    writeSync(fd, bytes, 0, bytes.length, 0);
    ftruncateSync(fd, bytes.length);
  } finally {
    closeSync(fd);
  }
  const seconds = Math.max(Math.floor(Date.now() / 1000), notBefore + 1);
  utimesSync(path, seconds, seconds);
  return seconds;
}
