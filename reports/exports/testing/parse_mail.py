"""Parses mail files with Python's standard `email` package (policy.default, the
strict modern parser) and prints, as JSON, what a test needs to check them: every
defect the parser found (message, parts, header fields), the decoded headers, and
the decoded content of every leaf part. Standard library only.

usage: python3 parse_mail.py FILE...
"""
import base64
import email
import email.policy
import json
import sys


def header_info(part):
    headers, defects = [], []
    for name, value in part.items():
        headers.append([name, str(value)])
        defects.extend(f"{name}: {d!r}" for d in getattr(value, "defects", []))
        if hasattr(value, "addresses"):
            headers.append([name + ":addresses", [[a.display_name, a.addr_spec] for a in value.addresses]])
    return headers, defects


def leaf(part):
    payload = part.get_payload(decode=True) or b""
    if part.get_content_maintype() == "text":
        content = part.get_content()
    else:
        content = base64.b64encode(payload).decode("ascii")
    return {
        "content_type": part.get_content_type(),
        "filename": part.get_filename(),
        "disposition": part.get_content_disposition(),
        "content": content,
    }


def parse(path):
    with open(path, "rb") as f:
        msg = email.message_from_bytes(f.read(), policy=email.policy.default)
    headers, header_defects = header_info(msg)
    parts, part_defects = [], []
    for part in msg.walk():
        part_defects.extend(repr(d) for d in part.defects)
        _, hd = header_info(part)
        if part is not msg:
            header_defects.extend(hd)
        if not part.is_multipart():
            parts.append(leaf(part))
    return {
        "path": path,
        "content_type": msg.get_content_type(),
        "defects": [repr(d) for d in msg.defects],
        "part_defects": part_defects,
        "header_defects": header_defects,
        "headers": headers,
        "parts": parts,
    }


print(json.dumps([parse(p) for p in sys.argv[1:]], ensure_ascii=False))
