"""WeCom's official callback-crypto sample vectors.

Copied from the project's shared notes, which took them from WeCom's official Python callback
sample (repository sbzhu/weworkapi_python, file callback/Sample.py). A correct implementation
reproduces both results exactly.
"""

from __future__ import annotations

__all__ = [
    "AES_KEY",
    "CORP_ID",
    "POST_BODY",
    "POST_NONCE",
    "POST_PLAIN",
    "POST_SIGNATURE",
    "POST_TIMESTAMP",
    "TOKEN",
    "URL_ECHO",
    "URL_ECHOSTR",
    "URL_NONCE",
    "URL_SIGNATURE",
    "URL_TIMESTAMP",
]

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"

# URL verification (GET): the reply body is the decrypted echostr.
URL_SIGNATURE = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"
URL_TIMESTAMP = "1476416373"
URL_NONCE = "47744683"
URL_ECHOSTR = (
    "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
)
URL_ECHO = "1288432023552776189"

# An encrypted message (POST).
POST_SIGNATURE = "0c3914025cb4b4d68103f6bfc8db550f79dcf48e"
POST_TIMESTAMP = "1476422779"
POST_NONCE = "1597212914"
POST_BODY = (
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n"
    "<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3N"
    "yeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWc"
    "oD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX"
    "3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n"
    "<AgentID><![CDATA[1000002]]></AgentID>\n"
    "</xml>"
)
POST_PLAIN = (
    "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
    "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
    "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>"
)
