#!/bin/sh
# Stand-in for the official nginx image: Debian's nginx with only the stack's site.
set -eu
rm -f /etc/nginx/sites-enabled/default
exec nginx -g 'daemon off;'
