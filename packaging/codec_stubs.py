"""Stand-ins for the FFmpeg codec libraries that PyAV's wheel bundles and the app never calls (Linux build).

`gui/export.py` writes MP4 with one encoder, libx264. PyAV's `libavcodec` also links x265 (HEVC),
SVT-AV1 (AV1 encoding), libvpx (VP8/VP9) and dav1d (AV1 decoding), and libavformat links GnuTLS:
38 MB with GnuTLS's own libraries, that the dynamic loader
must find when `import av` loads libavcodec, although nothing in the app opens those codecs. Each is
replaced by a small library of the same file name and SONAME that defines exactly the functions
libavcodec imports from it, each returning that library's own "failed" value, so that FFmpeg
reports the codec as unusable instead of crashing if anything ever opened it:

* x265: `x265_api_get_216` returns NULL. FFmpeg asks it for each bit depth when it sets up its
  codec table (`libx265_encoder_init_csp`) and opening the encoder fails with "bitdepth not supported".
* SVT-AV1: every call returns `EB_ErrorUndefined` (opening the encoder fails at `svt_av1_enc_init_handle`).
* libvpx: codec calls return `VPX_CODEC_ERROR`; the interface getters (`vpx_codec_vp9_cx` ...) return
  NULL, `vpx_codec_version` 0 and `vpx_codec_get_caps` no capabilities (FFmpeg reads those when it
  sets up its codec table), the message getters a fixed text.
* dav1d: every call returns `-ENOSYS` (`dav1d_open` fails), `dav1d_version` a fixed text.
* GnuTLS, which libavformat links for `https://` and `tls://` URLs (the app writes local files
  only): every call returns `GNUTLS_E_INTERNAL_ERROR`, `gnutls_error_is_fatal` true,
  `gnutls_strerror` a fixed text, the getters of certificates and sizes NULL or 0; opening a TLS
  URL then fails at the handshake. With it go the four libraries only GnuTLS needed (nettle,
  hogweed, gmp, libunistring: the spec leaves out any library in av.libs/ that nothing links).
  Its symbols carry a version (`GNUTLS_3_4`); the stand-in defines the same version.

The symbols are checked at build time against what the bundled libavcodec really imports from each
library (`nm -D`): a PyAV upgrade that imports another function fails the build here until that
function gets a return value in this file, so no stand-in can return a value of the wrong kind.
Not used on Windows/macOS (the spec leaves their wheels as they are).
"""

from __future__ import annotations

import os
import subprocess
import tempfile

MESSAGE = "this codec library is not part of the Pixels & Noise bundle (packaging/codec_stubs.py)"

# library name prefix -> (default return value as C, {symbol: return value for the exceptions}, expected symbols)
STUBS: dict[str, tuple[str, dict[str, str], set[str]]] = {
    "libx265-": ("0", {}, {"x265_api_get_216"}),
    "libSvtAv1Enc-": (
        "(long)(int)0x80001001",  # EB_ErrorUndefined
        {},
        {
            "svt_add_metadata",
            "svt_av1_enc_deinit",
            "svt_av1_enc_deinit_handle",
            "svt_av1_enc_get_packet",
            "svt_av1_enc_get_stream_info",
            "svt_av1_enc_init",
            "svt_av1_enc_init_handle",
            "svt_av1_enc_parse_parameter",
            "svt_av1_enc_release_out_buffer",
            "svt_av1_enc_send_picture",
            "svt_av1_enc_set_parameter",
            "svt_av1_enc_stream_header",
            "svt_av1_enc_stream_header_release",
            "svt_metadata_array_free",
        },
    ),  # fmt: skip
    "libvpx-": (
        "1",  # VPX_CODEC_ERROR
        {
            **dict.fromkeys(
                [
                    "vpx_codec_vp8_cx",
                    "vpx_codec_vp8_dx",
                    "vpx_codec_vp9_cx",
                    "vpx_codec_vp9_dx",
                    "vpx_codec_get_cx_data",
                    "vpx_codec_get_frame",
                    "vpx_img_wrap",
                    "vpx_codec_error_detail",
                    "vpx_codec_get_caps",
                    "vpx_codec_version",
                ],
                "0",
            ),
            **dict.fromkeys(
                ["vpx_codec_build_config", "vpx_codec_err_to_string", "vpx_codec_error", "vpx_codec_version_str"],
                "(long)MESSAGE",
            ),
        },
        {
            "vpx_codec_build_config",
            "vpx_codec_control_",
            "vpx_codec_dec_init_ver",
            "vpx_codec_decode",
            "vpx_codec_destroy",
            "vpx_codec_enc_config_default",
            "vpx_codec_enc_config_set",
            "vpx_codec_enc_init_ver",
            "vpx_codec_encode",
            "vpx_codec_err_to_string",
            "vpx_codec_error",
            "vpx_codec_error_detail",
            "vpx_codec_get_caps",
            "vpx_codec_get_cx_data",
            "vpx_codec_get_frame",
            "vpx_codec_set_frame_buffer_functions",
            "vpx_codec_version",
            "vpx_codec_version_str",
            "vpx_codec_vp8_cx",
            "vpx_codec_vp8_dx",
            "vpx_codec_vp9_cx",
            "vpx_codec_vp9_dx",
            "vpx_img_wrap",
        },
    ),  # fmt: skip
    "libdav1d-": (
        "-38",  # -ENOSYS
        {"dav1d_version": "(long)MESSAGE"},
        {
            "dav1d_close",
            "dav1d_data_unref",
            "dav1d_data_wrap",
            "dav1d_data_wrap_user_data",
            "dav1d_default_settings",
            "dav1d_flush",
            "dav1d_get_event_flags",
            "dav1d_get_frame_delay",
            "dav1d_get_picture",
            "dav1d_open",
            "dav1d_parse_sequence_header",
            "dav1d_picture_unref",
            "dav1d_send_data",
            "dav1d_version",
        },
    ),  # fmt: skip
    "libgnutls-": (
        "-59",  # GNUTLS_E_INTERNAL_ERROR
        {
            "gnutls_error_is_fatal": "1",
            "gnutls_strerror": "(long)MESSAGE",
            **dict.fromkeys(
                [
                    "gnutls_certificate_get_peers",
                    "gnutls_certificate_type_get",
                    "gnutls_dtls_get_data_mtu",
                    "gnutls_sec_param_to_pk_bits",
                    "gnutls_x509_crt_check_hostname",
                ],
                "0",
            ),
        },
        {
            "gnutls_bye",
            "gnutls_certificate_allocate_credentials",
            "gnutls_certificate_free_credentials",
            "gnutls_certificate_get_peers",
            "gnutls_certificate_set_verify_flags",
            "gnutls_certificate_set_x509_key",
            "gnutls_certificate_set_x509_key_file",
            "gnutls_certificate_set_x509_key_mem",
            "gnutls_certificate_set_x509_system_trust",
            "gnutls_certificate_set_x509_trust_file",
            "gnutls_certificate_type_get",
            "gnutls_certificate_verify_peers2",
            "gnutls_credentials_set",
            "gnutls_deinit",
            "gnutls_dtls_get_data_mtu",
            "gnutls_dtls_set_mtu",
            "gnutls_error_is_fatal",
            "gnutls_global_deinit",
            "gnutls_global_init",
            "gnutls_handshake",
            "gnutls_init",
            "gnutls_record_recv",
            "gnutls_record_send",
            "gnutls_sec_param_to_pk_bits",
            "gnutls_server_name_set",
            "gnutls_set_default_priority",
            "gnutls_srtp_get_keys",
            "gnutls_srtp_set_profile",
            "gnutls_strerror",
            "gnutls_transport_set_ptr",
            "gnutls_transport_set_pull_function",
            "gnutls_transport_set_pull_timeout_function",
            "gnutls_transport_set_push_function",
            "gnutls_x509_crt_check_hostname",
            "gnutls_x509_crt_deinit",
            "gnutls_x509_crt_export",
            "gnutls_x509_crt_get_fingerprint",
            "gnutls_x509_crt_import",
            "gnutls_x509_crt_init",
            "gnutls_x509_crt_set_activation_time",
            "gnutls_x509_crt_set_dn",
            "gnutls_x509_crt_set_expiration_time",
            "gnutls_x509_crt_set_issuer_dn",
            "gnutls_x509_crt_set_key",
            "gnutls_x509_crt_set_serial",
            "gnutls_x509_crt_set_version",
            "gnutls_x509_crt_sign2",
            "gnutls_x509_privkey_deinit",
            "gnutls_x509_privkey_export",
            "gnutls_x509_privkey_generate",
            "gnutls_x509_privkey_import",
            "gnutls_x509_privkey_init",
        },
    ),  # fmt: skip
}


def stub_for(name: str) -> tuple[str, dict[str, str], set[str]] | None:
    return next((v for k, v in STUBS.items() if name.startswith(k)), None)


def _dynamic_symbols(path: str, undefined: bool) -> dict[str, str]:
    """{symbol: version or ''} of the dynamic symbol table (`nm -D`), undefined or defined ones."""
    flag = "--undefined-only" if undefined else "--defined-only"
    out = subprocess.run(["nm", "-D", flag, path], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        if line.strip():
            name, _, version = line.split()[-1].partition("@")
            syms[name] = version.lstrip("@")
    return syms


def make_stub(original: str, importers: list[str], out: str) -> str:
    """Build the stand-in for `original` at `out`; `importers` are the bundle's libraries that link it."""
    name = os.path.basename(original)
    default, special, expected = stub_for(name)
    imported: dict[str, str] = {}
    for p in importers:
        imported.update(_dynamic_symbols(p, undefined=True))
    needed = {s: v for s, v in imported.items() if s in _dynamic_symbols(original, undefined=False)}
    if set(needed) != expected:
        raise SystemExit(
            f"codec_stubs: {name}: the bundle imports {sorted(needed)}, the stand-in knows {sorted(expected)}; "
            "give every imported function a return value in packaging/codec_stubs.py"
        )
    lines = [f'static const char MESSAGE[] = "{MESSAGE}";']
    lines += [f"long {sym}(void) {{ return {special.get(sym, default)}; }}" for sym in sorted(needed)]
    versions = sorted({v for v in needed.values() if v})
    soname = subprocess.run(["readelf", "-d", original], check=True, capture_output=True, text=True).stdout
    soname = next((line.split("[")[1].rstrip("]") for line in soname.splitlines() if "(SONAME)" in line), name)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src, script = os.path.join(tmp, "stub.c"), os.path.join(tmp, "versions.map")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        cmd = ["gcc", "-shared", "-fPIC", "-O2", "-nostdlib", f"-Wl,-soname,{soname}", "-Wl,-z,noexecstack", "-s"]
        if versions:  # the importer asks for sym@VERSION: define every version, the symbols under it
            if not all(needed.values()):
                raise SystemExit(f"codec_stubs: {name}: versioned and unversioned symbols mixed; not handled")
            with open(script, "w") as f:
                for v in versions:
                    syms = " ".join(f"{s};" for s, sv in sorted(needed.items()) if sv == v)
                    f.write(f"{v} {{ global: {syms} }};\n")
            cmd.append(f"-Wl,--version-script={script}")
        subprocess.run([*cmd, "-o", out, src], check=True)
    return out
