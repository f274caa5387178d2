"""Item pipelines: decode and name the images, then write the evidence to disk."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.analysis import Analysis, describe_images
from crawler.evidence import safe_folder_name, write_atomically
from crawler.items import Blob, TargetSnapshot
from crawler.store import Store, default_db_url
from crawler.workers import WorkerDied

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from typing_extensions import Self

logger = logging.getLogger(__name__)

_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp", "ICO": "ico",
               "BMP": "bmp", "SVG": "svg", "TIFF": "tif", "MPO": "jpg"}


class ImageEvidencePipeline:
    """Decodes every downloaded image safely, in the analysis workers (bombs and broken
    files become an error on the image, never a crash), and names its evidence file by
    the sha256 of its bytes."""

    def __init__(self, analysis: Analysis, max_bytes: int):
        self.analysis, self.max_bytes = analysis, max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(Analysis.of(crawler), crawler.settings.getint("MASTHEAD_IMAGE_MAX_BYTES"))

    async def process_item(self, item: TargetSnapshot) -> TargetSnapshot:
        images = {image.url: image for image in item.images}
        pairs = [(blob, images[blob.url]) for blob in item.blobs if blob.kind == "image" and blob.url in images]
        contents = [blob.content for blob, _ in pairs]
        try:
            described = await self.analysis.run(describe_images, contents, self.max_bytes)
        except WorkerDied as exc:  # kept as undecoded evidence: the target still counts
            logger.error("%s: images not described: %s", item.target, exc)
            described = [(hashlib.sha256(content).hexdigest(), None, None, None, f"not described: {exc}")
                         for content in contents]
        for (blob, image), (sha256, width, height, kind, error) in zip(pairs, described):
            image.sha256, image.width, image.height, image.format, image.error = sha256, width, height, kind, error
            blob.name = f"images/{sha256}.{_EXTENSIONS.get(kind or '', 'bin')}"
        return item


class EvidencePipeline:
    """Writes each target's evidence to `OUTPUT_DIR/evidence/<run-id>/<host>/`: pages as
    received and as rendered, the screenshot, the images and `manifest.json` (URLs, fetch
    times, statuses, sha256 of every file). The manifest is written last, atomically.

    The files are written on a thread of their own: creating a file costs ~0.3 ms of
    kernel time here, ~10 files a target, which the crawl's thread would otherwise spend
    instead of moving bytes (the writes release the GIL). The next pipeline sees the item
    once its files are written."""

    def __init__(self, output_dir: Path, run_id: str):
        self.output_dir = output_dir
        self.run_id = run_id
        self.run_dir = output_dir / "evidence" / run_id
        self.folders_used: set[str] = set()
        self.writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(Path(crawler.settings.get("MASTHEAD_OUTPUT_DIR")), crawler.settings["MASTHEAD_RUN_ID"])

    def _taken(self, name: str, target: str) -> bool:
        """In use by another target of this run (in this process, or before a resume)."""
        if name in self.folders_used:
            return True
        manifest = self.run_dir / name / "manifest.json"
        try:
            return json.loads(manifest.read_text(encoding="utf-8")).get("target") != target
        except (OSError, ValueError):
            return False

    def _folder(self, item: TargetSnapshot) -> Path:
        where = f"{item.account.platform}.{item.account.account_id}" if item.account else item.host
        name = base = safe_folder_name(where or item.target)
        counter = 1
        while self._taken(name, item.target):
            counter += 1
            name = f"{base}~{counter}"
        self.folders_used.add(name)
        return self.run_dir / name

    async def process_item(self, item: TargetSnapshot) -> TargetSnapshot:
        folder = self._folder(item)
        item.run_id = self.run_id
        item.evidence_dir = str(folder)
        manifest = {
            "target": item.target, "run_id": self.run_id, "url": item.url,
            "final_url": item.final_url, "status": item.status, "http_status": item.http_status,
            "error": item.error, "redirects": item.redirects, "started_at": item.started_at,
            "finished_at": item.finished_at,
        }
        files = await asyncio.get_running_loop().run_in_executor(
            self.writer, write_evidence, folder, item.blobs, manifest)
        paths = {entry["name"]: entry["path"] for entry in files}
        item.screenshot = next((entry["path"] for entry in files if entry["kind"] == "screenshot"), item.screenshot)
        for image in item.images:
            if image.sha256:
                image.path = next((paths[name] for name in paths
                                   if name.startswith(f"images/{image.sha256}.")), None)
        item.blobs = []
        item.evidence_files = files
        return item

    def close_spider(self) -> None:
        self.writer.shutdown(wait=True)


def write_evidence(folder: Path, blobs: list[Blob], manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Write each blob (once per name) into `folder`, then the manifest listing them;
    the files' entries, each with its path."""
    files, written = [], set()
    for blob in blobs:
        if blob.name in written:
            continue  # the same image found twice
        path = folder / blob.name
        write_atomically(path, blob.content, durable=False)
        written.add(blob.name)
        files.append({
            "name": blob.name, "path": str(path), "kind": blob.kind, "url": blob.url, "fetched_at": blob.fetched_at,
            "status": blob.status, "content_type": blob.content_type, "bytes": len(blob.content),
            "sha256": hashlib.sha256(blob.content).hexdigest(),
        })
    listed = {**manifest, "files": [{key: value for key, value in entry.items() if key != "path"} for entry in files]}
    write_atomically(folder / "manifest.json", json.dumps(listed, ensure_ascii=False, indent=2).encode("utf-8"),
                     durable=False)
    return files


class StorePipeline:
    """Records each finished target in the store, in one transaction, and keeps the run's
    start, end, status and counts (see crawler.store)."""

    def __init__(self, crawler: Crawler, store: Store):
        self.crawler, self.store = crawler, store
        self.run_id = crawler.settings["MASTHEAD_RUN_ID"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        url = settings.get("MASTHEAD_DB") or default_db_url(settings.get("MASTHEAD_OUTPUT_DIR"))
        return cls(crawler, Store(url))

    def open_spider(self) -> None:
        targets = [target.text for target in self.crawler.spider.targets]
        self.store.start_run(self.run_id, self.crawler.settings.get("MASTHEAD_RUN_KIND"), targets,
                             self.crawler.settings.get("MASTHEAD_WATCHLIST"))

    def process_item(self, item: TargetSnapshot) -> TargetSnapshot:
        if not self.store.record(self.run_id, item):
            logger.warning("%s: already recorded in run %s; not stored twice", item.target, self.run_id)
        return item

    def close_spider(self) -> None:
        status = self.store.finish_run(self.run_id)
        logger.info("run %s %s", self.run_id, status)
        self.store.dispose()
