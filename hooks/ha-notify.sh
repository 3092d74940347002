#!/bin/sh
# uplink-lb: keepalived's vrrp_notify_fifo_script on a router of a high-availability pair.
#   vrrp_notify_fifo_script "@LIBDIR@/ha-notify GROUP"
# GROUP is the sync group (or lone instance) that HA_VRRP names. keepalived starts this once,
# adds the FIFO's path as the last argument, and writes every transition there in order
# (`GROUP "uplink_lb" MASTER 0`, `INSTANCE "LAN" BACKUP 100`, ...). This reader stays for the
# life of keepalived (a shell, about 1 MB; uplink-lb itself would keep 15 MB) and hands each line
# about GROUP to uplink-lb, one at a time: a transition's steps end before the next one's begin.
name=$1 fifo=$2
if [ -z "$name" ] || [ ! -p "$fifo" ]; then
    echo "usage: ha-notify GROUP FIFO (keepalived's vrrp_notify_fifo_script; GROUP as HA_VRRP names it)" >&2
    exit 2
fi
while read -r kind quoted state priority; do
    [ "$quoted" = "\"$name\"" ] || continue
    @SBINDIR@/uplink-lb ha-notify "$kind" "$name" "$state" ${priority:+"$priority"} || true
done < "$fifo"
