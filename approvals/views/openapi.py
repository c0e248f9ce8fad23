"""The OpenAPI 3 description of the certificate verification API (/api/v1/…), written by hand."""

from __future__ import annotations

from approvals.models import PUBLIC_DOCUMENT_STATUSES, CertificateStatus
from approvals.verification import Verdict
from website.api import object_schema
from website.choices import Level


def openapi_schema(server_url: str = "") -> dict:
    """The schema as a dict; served at /api/v1/openapi.json: the verification API written here,
    and the read-only endpoints every app registers (``website.api.contributed_schema``)."""
    from website.api import contributed_schema

    schema = _verification_schema(server_url)
    contributed = contributed_schema()
    schema["paths"].update(contributed["paths"])
    schema["components"]["schemas"].update(contributed["schemas"])
    schema["info"]["title"] = "职称公示与证书平台接口"
    schema["info"]["description"] += "通知、公示与审批文件提供只读接口。"
    return schema


def _verification_schema(server_url: str = "") -> dict:
    """The certificate verification part, written by hand."""
    verification_ref = {"$ref": "#/components/schemas/Verification"}
    error_ref = {"$ref": "#/components/schemas/Error"}

    def json_content(ref: dict) -> dict:
        return {"application/json": {"schema": ref}}

    def answer(description: str, ref: dict) -> dict:
        return {"description": description, "content": json_content(ref)}

    verified = answer("查验结果", verification_ref)
    token_body = {
        "type": "object",
        "properties": {"token": {"type": "string"}},
        "required": ["token"],
    }

    # Every operation is rate limited per client (website.ratelimit, APPROVALS_VERIFY_LIMITS).
    too_many = {
        "description": "请求过于频繁：按 Retry-After 头所示秒数后再试",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "等待秒数"}},
        "content": json_content(error_ref),
    }

    token_responses = {"200": verified, "400": answer("缺少令牌", error_ref), "429": too_many}

    return {
        "openapi": "3.0.3",
        "info": {
            "title": "职称电子证书查验接口",
            "version": "1.0.0",
            "description": (
                "按证书编号、二维码令牌或上传的 PDF 查验本平台签发的职称电子证书与审批文件。"
                "公钥与 CA 证书见 /keys/keys.json，可离线验证二维码令牌（ES256）。"
            ),
        },
        "servers": [{"url": server_url or "/"}],
        "paths": {
            "/api/v1/certificates/{number}": {
                "get": {
                    "summary": "按证书编号查验",
                    "operationId": "getCertificate",
                    "parameters": [
                        {
                            "name": "number",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "example": "TOUTUNHE-2024-000001"},
                        }
                    ],
                    "responses": {
                        "200": answer("证书存在", verification_ref),
                        "404": answer("未找到（verdict 为 unknown）", verification_ref),
                        "429": too_many,
                    },
                }
            },
            "/api/v1/verify/pdf": {
                "post": {
                    "summary": "上传 PDF 查验签名与记录",
                    "operationId": "verifyPdf",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"file": {"type": "string", "format": "binary"}},
                                    "required": ["file"],
                                }
                            },
                            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    "responses": {
                        "200": verified,
                        "400": answer("没有文件", error_ref),
                        "413": answer("文件过大", error_ref),
                        "429": too_many,
                    },
                }
            },
            "/api/v1/verify/token": {
                "get": {
                    "summary": "查验二维码令牌",
                    "operationId": "verifyTokenGet",
                    "parameters": [
                        {
                            "name": "token",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": token_responses,
                },
                "post": {
                    "summary": "查验二维码令牌",
                    "operationId": "verifyTokenPost",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": token_body},
                            "application/x-www-form-urlencoded": {"schema": token_body},
                        },
                    },
                    "responses": token_responses,
                },
            },
        },
        "components": {
            "schemas": {
                "Verification": {
                    "type": "object",
                    "required": ["verdict", "label", "message", "certificate", "document"],
                    "properties": {
                        "verdict": {"type": "string", "enum": Verdict.values},
                        "label": {"type": "string"},
                        "message": {"type": "string"},
                        "sha256": {"type": "string"},
                        "key_id": {"type": "string"},
                        "certificate": {
                            "nullable": True,
                            "allOf": [{"$ref": "#/components/schemas/Certificate"}],
                        },
                        "document": {
                            "nullable": True,
                            "allOf": [{"$ref": "#/components/schemas/Document"}],
                        },
                    },
                },
                "Certificate": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "string"},
                        "status": {"type": "string", "enum": CertificateStatus.values},
                        "status_label": {"type": "string"},
                        "name": {"type": "string"},
                        "unit": {"type": "string"},
                        "series": {"type": "string"},
                        "specialty": {"type": "string"},
                        "qualification": {"type": "string"},
                        "level": {"type": "string", "enum": Level.values},
                        "date": {"type": "string", "format": "date"},
                        "revoked_at": {"type": "string", "format": "date-time", "nullable": True},
                        "revoked_reason": {"type": "string", "nullable": True},
                        "document_number": {"type": "string"},
                        "authority": {"type": "string"},
                    },
                    # What a verifier needs: never any character of the ID number.
                    "additionalProperties": False,
                },
                "Document": object_schema(
                    {
                        "number": {"type": "string"},
                        "title": {"type": "string"},
                        "authority": {"type": "string"},
                        "date": {"type": "string", "format": "date"},
                        "status": {
                            "type": "string",
                            "enum": [str(status) for status in PUBLIC_DOCUMENT_STATUSES],
                        },
                        "pdf_url": {"type": "string", "nullable": True},
                        "pdf_sha256": {"type": "string"},
                    }
                ),
                "Error": object_schema(
                    {
                        "error": {"type": "string"},
                        "max_bytes": {"type": "integer"},
                        "retry_after": {"type": "integer"},
                    },
                    ["error"],
                ),
            }
        },
    }
