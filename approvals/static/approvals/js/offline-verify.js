/* 证书离线查验: checks a certificate QR token in the browser with WebCrypto (ECDSA P-256,
 * SHA-256) against the published keys (/keys/keys.json) and the CA-signed revocation list
 * (/keys/revoked.json). No external requests, no build step.
 *
 * Token (approvals/crypto/tokens.py): "<payload>.<signature>", base64url; payload is the UTF-8
 * text "1|<kid>|<number>|<name>|<qualification>|<level>|<YYYYMMDD>"; the signature is raw r‖s
 * over the ASCII payload segment. The revocation list is {kid:"ca", payload, signature} with
 * the same convention, checked with the CA's JWK.
 *
 * Shown: name, qualification, level, authority, dates, status. Nothing else, and never any
 * character of an ID number (a token carries none; we still print only the fields above). */
(function () {
  "use strict";

  const root = document.getElementById("verifier");
  if (!root) return;
  const DAY_MS = 24 * 60 * 60 * 1000;
  const ECDSA = { name: "ECDSA", namedCurve: "P-256" };
  const VERIFY = { name: "ECDSA", hash: { name: "SHA-256" } };
  const MAX_TOKEN = 1000;

  const el = (id) => document.getElementById(id);
  const state = { keys: null, revoked: null, ready: null };

  function b64urlBytes(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
    const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  const ascii = (text) => new TextEncoder().encode(text);

  async function importJwk(jwk) {
    const clean = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, ext: true };
    return crypto.subtle.importKey("jwk", clean, ECDSA, false, ["verify"]);
  }

  async function checkSignature(jwk, segment, signatureB64) {
    const signature = b64urlBytes(signatureB64);
    if (signature.length !== 64) return false;
    const key = await importJwk(jwk);
    return crypto.subtle.verify(VERIFY, key, signature, ascii(segment));
  }

  function cnDate(value) {
    const d = value instanceof Date ? value : new Date(value);
    if (isNaN(d.getTime())) return "";
    // Beijing time, whatever the device's zone.
    const bj = new Date(d.getTime() + 8 * 3600 * 1000);
    return `${bj.getUTCFullYear()}年${bj.getUTCMonth() + 1}月${bj.getUTCDate()}日`;
  }

  function cnDateTime(value) {
    const d = new Date(value);
    const bj = new Date(d.getTime() + 8 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${cnDate(d)} ${pad(bj.getUTCHours())}:${pad(bj.getUTCMinutes())}（北京时间）`;
  }

  function ymd(text) {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
    return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : "";
  }

  async function fetchJson(url) {
    const response = await fetch(url, { credentials: "omit" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  }

  async function load() {
    const keys = await fetchJson(root.dataset.keysUrl);
    if (!keys || !keys.ca || !keys.ca.jwk || !Array.isArray(keys.keys)) {
      throw new Error("公钥文件格式不正确");
    }
    state.keys = keys;
    const signed = await fetchJson(root.dataset.revokedUrl);
    const ok =
      typeof signed.payload === "string" &&
      typeof signed.signature === "string" &&
      (await checkSignature(keys.ca.jwk, signed.payload, signed.signature));
    if (!ok) throw new Error("吊销列表签名无效");
    const list = JSON.parse(new TextDecoder().decode(b64urlBytes(signed.payload)));
    if (list.v !== 1 || !Array.isArray(list.revoked)) throw new Error("吊销列表格式不正确");
    state.revoked = list;
    showListStatus();
  }

  function showListStatus() {
    const list = state.revoked;
    const issued = new Date(list.issued);
    el("list-status").textContent = `吊销列表更新于${cnDateTime(issued)}，共 ${list.revoked.length} 张已撤销证书。`;
    const maxAge = Number(list.max_age_days || root.dataset.maxAgeDays || 7);
    const ageDays = (Date.now() - issued.getTime()) / DAY_MS;
    const warning = el("list-warning");
    if (ageDays > maxAge) {
      warning.textContent =
        `吊销列表已超过 ${maxAge} 天未更新（已 ${Math.floor(ageDays)} 天），` +
        "其后撤销的证书在此无法识别。请联网后重新打开本页以更新。";
      warning.hidden = false;
    } else {
      warning.hidden = true;
    }
  }

  function extractToken(text) {
    const value = (text || "").trim();
    const inPath = /\/verify\/t\/([A-Za-z0-9_.-]+)/.exec(value);
    if (inPath) return inPath[1];
    const inQuery = /[?&]token=([A-Za-z0-9_.-]+)/.exec(value);
    if (inQuery) return inQuery[1];
    return value;
  }

  function parseToken(token) {
    if (!token || token.length > MAX_TOKEN) return null;
    const parts = token.split(".");
    if (parts.length !== 2) return null;
    let fields;
    try {
      fields = new TextDecoder("utf-8", { fatal: true }).decode(b64urlBytes(parts[0])).split("|");
    } catch (e) {
      return null;
    }
    if (fields.length !== 7 || fields[0] !== "1") return null;
    const [, kid, number, name, qualification, level, date] = fields;
    return { segment: parts[0], signature: parts[1], kid, number, name, qualification, level, date };
  }

  async function judge(token) {
    const parsed = parseToken(token);
    if (!parsed) {
      return { verdict: "malformed", label: "无法识别", message: "二维码内容不是本平台的证书令牌。" };
    }
    const key = state.keys.keys.find((k) => k.kid === parsed.kid);
    if (!key) {
      return { verdict: "foreign", label: "非本平台签发", message: "令牌使用的签名密钥不是本平台公布的密钥。" };
    }
    let good = false;
    try {
      good = await checkSignature(key.jwk, parsed.segment, parsed.signature);
    } catch (e) {
      good = false;
    }
    if (!good) {
      return { verdict: "forged", label: "签名无效", message: "令牌签名无效：内容被篡改或伪造。" };
    }
    const fields = { parsed, authority: key.authority };
    const revokedKey = (state.revoked.revoked_keys || {})[parsed.kid];
    if (revokedKey && !(revokedKey.valid_numbers || []).includes(parsed.number)) {
      return {
        verdict: "key_revoked",
        label: "签章密钥已吊销",
        message: `该令牌的签章密钥自${cnDateTime(revokedKey.compromised_from)}起已吊销，此证书不在吊销前签发的名单中，不能认定为有效。`,
        ...fields,
      };
    }
    if (state.revoked.revoked.includes(parsed.number)) {
      return { verdict: "revoked", label: "已撤销", message: "该证书已被撤销。", ...fields };
    }
    return { verdict: "valid", label: "有效", message: "签名有效：由本平台签发，未被撤销。", ...fields };
  }

  function show(result) {
    const box = el("result");
    box.dataset.verdict = result.verdict;
    el("result-label").textContent = result.label;
    el("result-message").textContent = result.message;
    const dl = el("result-fields");
    dl.replaceChildren();
    if (result.parsed) {
      const p = result.parsed;
      const rows = [
        ["证书编号", p.number],
        ["姓名", p.name],
        ["资格名称", p.qualification],
        ["级别", p.level],
        ["发证机关", result.authority || ""],
        ["取得资格时间", ymd(p.date)],
        ["状态", result.label],
      ];
      if (state.revoked) rows.push(["吊销列表日期", cnDate(state.revoked.issued)]);
      for (const [term, value] of rows) {
        const dt = document.createElement("dt");
        dt.textContent = term;
        const dd = document.createElement("dd");
        dd.textContent = value; // textContent only: a token's text is never markup
        dl.append(dt, dd);
      }
    }
    box.hidden = false;
  }

  async function verify(text) {
    try {
      await state.ready;
    } catch (e) {
      show({ verdict: "unavailable", label: "无法查验", message: `尚未取得公钥与吊销列表（${e.message}）。请联网打开本页一次。` });
      return;
    }
    show(await judge(extractToken(text)));
  }

  function setupScan() {
    const button = el("scan-button");
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      const video = el("scan-video");
      let stream;
      try {
        const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        const started = Date.now();
        while (Date.now() - started < 60000) {
          const codes = await detector.detect(video);
          if (codes.length) {
            el("token-input").value = codes[0].rawValue;
            await verify(codes[0].rawValue);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } catch (e) {
        show({ verdict: "unavailable", label: "无法扫描", message: "无法使用摄像头，请改用手机相机扫码或粘贴二维码内容。" });
      } finally {
        if (stream) stream.getTracks().forEach((t) => t.stop());
        video.hidden = true;
      }
    });
  }

  state.ready = load();
  state.ready.catch((e) => {
    el("list-status").textContent = `无法取得公钥或吊销列表：${e.message}。请联网后重新打开本页。`;
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/verify/" }).catch(() => {});
  }

  el("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    verify(el("token-input").value);
  });
  setupScan();

  // Opened from the QR address (/verify/t/<token>), e.g. by the camera app while offline.
  const fromAddress = extractToken(location.pathname + location.search);
  if (fromAddress && fromAddress !== location.pathname + location.search) {
    el("token-input").value = location.href;
    verify(fromAddress);
  }
})();
