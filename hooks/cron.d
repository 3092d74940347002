# uplink-lb: start the health check every minute. One run probes continuously for
# CHECK_RUN_MINUTES (10) and hands over to the start at its deadline; the starts in between
# see it alive and end at once, without starting the executable.
PATH=@SBINDIR@:/usr/sbin:/usr/bin:/sbin:/bin
* * * * * root [ -x @LIBDIR@/cron-start ] && @LIBDIR@/cron-start
