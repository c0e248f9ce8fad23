{% load static %}/* 证书离线查验 service worker (scope /verify/). Keeps the verifier page, its script and
 * style, the published keys and the signed revocation list; answers every navigation under
 * /verify/ (including a phone camera opening /verify/t/<token>) from the network when there is
 * one and from the kept verifier page when there is not. Same-origin only; nothing external. */
"use strict";

const CACHE = "zhicheng-verify-v1";
const PAGE = "{% url 'certificate_verify_offline' %}";
const KEYS = "{% url 'keys_json' %}";
const REVOKED = "{% url 'keys_revoked_json' %}";
const ASSETS = [
  PAGE,
  KEYS,
  REVOKED,
  "{% static 'approvals/js/offline-verify.js' %}",
  "{% static 'approvals/css/verify-offline.css' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function networkFirst(request, fallbackUrl) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && request.method === "GET" && !fallbackUrl) {
      cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    // ignoreVary: the site varies on cookies and language, which do not change these answers.
    const kept = await cache.match(fallbackUrl || request, {
      ignoreSearch: !!fallbackUrl,
      ignoreVary: true,
    });
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/verify/")) {
    // Online: the server's answer (the full record). Offline: the verifier page, which reads
    // the token from the address itself.
    event.respondWith(networkFirst(request, PAGE));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(networkFirst(request));
  }
});
