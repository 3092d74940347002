# uplink-lb: start the health check every minute. One run probes in rounds (CHECK_INTERVAL)
# until the next start takes over; a start that finds one running exits at once.
PATH=@SBINDIR@:/usr/sbin:/usr/bin:/sbin:/bin
* * * * * root [ -x @LIBDIR@/cron-check ] && @LIBDIR@/cron-check
