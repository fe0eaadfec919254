"""A tiny OTLP/HTTP metrics receiver for tests: decodes each POST /v1/metrics with the Python opentelemetry-proto
classes (an implementation independent of Lodestar's) and appends it, as protobuf's JSON mapping, one line per
request, to the output file. Answers 200 with an empty ExportMetricsServiceResponse, or the status given in the
file named by --status-file when it exists (for tests of retries). Loopback only."""
import gzip
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest, ExportMetricsServiceResponse)

port, out_path = int(sys.argv[1]), sys.argv[2]
status_file = sys.argv[3] if len(sys.argv) > 3 else None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as OTLP receivers answer

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        status = 200
        if status_file and os.path.exists(status_file):
            with open(status_file) as f:
                status = int(f.read().strip() or "200")
        if status == 200:
            req = ExportMetricsServiceRequest()
            req.ParseFromString(body)
            line = {"path": self.path, "contentType": self.headers.get("Content-Type"),
                    "encoding": self.headers.get("Content-Encoding"), "bytes": len(body),
                    "apiKey": self.headers.get("X-Api-Key"), "request": MessageToDict(req)}
            with open(out_path, "a") as f:
                f.write(json.dumps(line) + "\n")
        answer = ExportMetricsServiceResponse().SerializeToString()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("listening", flush=True)
server.serve_forever()
