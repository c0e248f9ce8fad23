# Varnish in front of gunicorn: anonymous public pages served from memory, purged exactly.
#
#   varnishd -a :80 -f /srv/zhicheng/deploy/varnish/zhicheng.vcl -s malloc,256m
#   gunicorn -c gunicorn.conf.py website.wsgi          # GUNICORN_BIND=127.0.0.1:8000
#   VARNISH_URL=http://127.0.0.1:80                    # where the app sends its BANs
#   TRUSTED_PROXIES=127.0.0.1                          # Varnish's X-Forwarded-For is believed
#
# What is kept is decided by the app, in one place (pagecache.middleware): a page the page cache
# keeps goes out as "Cache-Control: public, max-age=0, s-maxage=N" with the tags of what it shows
# in X-Cache-Tags; everything else is private or no-cache, unless its view made it public on
# purpose (static files, public keys). This file only refuses whatever did not say "public", and
# never looks up requests that belong to one visitor.
#
# Purging: pagecache.frontend.VarnishBackend (WAGTAILFRONTENDCACHE) sends
# "BAN / X-Ban-Tags: <tag>|<tag>…" after each change the page cache purges: a page's path with
# every query string, or a whole group (every /search/ page, every /verify/ page, everything).
# Wagtail's plain HTTPBackend "PURGE <url>" is understood too (that exact URL only).

vcl 4.1;

import std;

# gunicorn (gunicorn.conf.py: GUNICORN_BIND, GUNICORN_TIMEOUT).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .first_byte_timeout = 65s;
}

# Who may purge: the app servers.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.http.X-Ban-Tags !~ "^[0-9a-f]{16}(\|[0-9a-f]{16})*$") {
            return (synth(400, "Bad X-Ban-Tags"));
        }
        # Only obj.* in the expression: the ban lurker clears old bans in the background.
        if (std.ban("obj.http.X-Cache-Tags ~ " + req.http.X-Ban-Tags)) {
            return (synth(200, "Banned"));
        }
        return (synth(400, std.ban_error()));
    }
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        return (purge);
    }
    # POSTs (forms, uploads, API), logins and the admin (previews included) go to the app.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization || req.url ~ "^/(admin|django-admin)(/|$)") {
        return (pass);
    }
    # A visitor with a session (logged in, a pending message) or a CSRF cookie is served by the
    # app with their cookies intact: stripping csrftoken would make Django issue a new one and
    # break forms open in other tabs. (Django's default names: SESSION_COOKIE_NAME,
    # CSRF_COOKIE_NAME and the messages cookie; change them here too if the settings do.)
    if (req.http.Cookie ~ "(^|;)\s*(sessionid|csrftoken|messages)=") {
        return (pass);
    }
    # Other cookies (analytics…) change no page: without them the visitor is anonymous.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.Host) {
        hash_data(req.http.Host);
    } else {
        hash_data(server.ip);
    }
    # Behind a TLS terminator: http and https pages carry different absolute links.
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
    return (lookup);
}

sub vcl_backend_response {
    # Only what the app made public; a response without Cache-Control must not get Varnish's
    # default TTL (the app marks it private anyway).
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(?i)(^|[ ,])public([ ,]|$)"
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Vary == "*"
        || beresp.ttl <= 0s) {
        # Hit-for-miss: later requests for this URL go straight to the app, and a response that
        # is public again is stored.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.X-Cache-Tags) {
        # s-maxage already ends at midnight or the next scheduled go-live: no stale grace.
        set beresp.grace = 0s;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    if (resp.http.X-Cache-Tags) {
        # Purged here only: caches further on (a browser, a proxy) must ask again.
        set resp.http.Cache-Control = "no-cache";
        unset resp.http.X-Cache-Tags;
    }
}
