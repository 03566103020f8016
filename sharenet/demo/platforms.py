"""Running the five demo platforms on 127.0.0.1: three OAI-PMH providers, two JSON APIs.

They run as threads of the calling process on free ports and stop with it:
the OAI-PMH ones are :mod:`sharenet.demo.oai_server` (pyoai's provider) over
the shipped files, the JSON ones :mod:`sharenet.demo.json_server`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType
from wsgiref.simple_server import WSGIServer

from sharenet.demo.catalogue import DATA_DIR, PLATFORMS, data_file
from sharenet.demo.json_server import JsonPlatformServer
from sharenet.demo.oai_server import Catalogue, Provider, serve

OAI_BATCH_SIZE = 100
"""Records per OAI-PMH page: several resumption pages per platform, as in production."""


class DemoPlatforms:
    """Start every demo platform; ``urls`` maps platform id to the endpoint to harvest."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.urls: dict[str, str] = {}
        self._json: list[JsonPlatformServer] = []
        self._oai: list[tuple[WSGIServer, threading.Thread]] = []

    def start(self) -> DemoPlatforms:
        try:
            for platform in PLATFORMS:
                if platform.protocol == "json":
                    server = JsonPlatformServer(platform.id, data_dir=self.data_dir).start()
                    self._json.append(server)
                    self.urls[platform.id] = server.url
                else:
                    self.urls[platform.id] = self._start_oai(platform.id)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_oai(self, platform_id: str) -> str:
        catalogue = Catalogue(data_file(platform_id, self.data_dir), "")
        httpd = serve(Provider(catalogue, batch_size=OAI_BATCH_SIZE), 0)
        catalogue.base_url = f"http://127.0.0.1:{httpd.server_port}/oai"
        thread = threading.Thread(
            target=httpd.serve_forever, name=f"demo-{platform_id}", daemon=True
        )
        thread.start()
        self._oai.append((httpd, thread))
        return catalogue.base_url

    def stop(self) -> None:
        for server in self._json:
            server.stop()
        for httpd, thread in self._oai:
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=5)
        self._json.clear()
        self._oai.clear()

    def __enter__(self) -> DemoPlatforms:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
