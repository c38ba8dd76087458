"""A job's file is kept in chunks and read back a chunk at a time."""

import io
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.imports.parsers import open_text
from apps.projects import jobs
from apps.projects.jobs import JobError, job_file, keep_file
from apps.projects.models import Job, JobFileChunk

pytestmark = pytest.mark.django_db

DATA = bytes(range(256)) * 3 + b"tail"  # 772 bytes


@pytest.fixture
def job(project):
    return Job.objects.create(project=project, kind="import", handler="x", params={})


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(jobs, "FILE_CHUNK", 100)


def test_a_file_is_kept_in_chunks_and_read_back_whole(job, small_chunks):
    keep_file(job, "big.jsonl", DATA)
    chunks = JobFileChunk.objects.filter(file_id=job.pk).order_by("number")
    assert [len(c) for c in chunks.values_list("data", flat=True)] == [100] * 7 + [72]
    name, file = job_file(job)
    assert (name, file.read()) == ("big.jsonl", DATA)


def test_a_file_reads_any_range_and_from_its_end(job, small_chunks):
    keep_file(job, "big.zip", DATA)
    _, file = job_file(job)
    file.seek(95)
    assert file.read(210) == DATA[95:305]  # across three chunks
    assert file.seek(-10, io.SEEK_END) == len(DATA) - 10
    assert file.read() == DATA[-10:]
    assert file.read(5) == b""


def test_each_chunk_is_one_query(job, small_chunks):
    keep_file(job, "big.jsonl", DATA)
    _, file = job_file(job)
    with CaptureQueriesContext(connection) as captured:
        while file.read(7):
            pass
    assert len(captured) == 8


def test_an_empty_file_reads_as_empty(job):
    keep_file(job, "empty.jsonl", b"")
    assert job_file(job)[1].read() == b""


def test_a_file_gone_midway_says_so(job, small_chunks):
    keep_file(job, "big.jsonl", DATA)
    _, file = job_file(job)
    file.read(50)
    JobFileChunk.objects.filter(file_id=job.pk).delete()
    with pytest.raises(JobError, match="is gone"):
        file.read()


def test_reading_a_file_line_by_line_takes_as_much_memory_whatever_its_size(project, monkeypatch):
    monkeypatch.setattr(jobs, "FILE_CHUNK", 64 * 1024)
    line = b'{"text": "' + b"x" * 500 + b'"}\n'

    def peak_reading(mib):
        job = Job.objects.create(project=project, kind="import", handler="x", params={})
        keep_file(job, "big.jsonl", line * (mib * 1024 * 1024 // len(line)))
        _, file = job_file(job)
        tracemalloc.start()
        try:
            lines = sum(1 for _ in open_text(file, "big.jsonl"))  # checks UTF-8, then reads
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert lines == mib * 1024 * 1024 // len(line)
        return peak

    small, large = peak_reading(2), peak_reading(8)
    assert large < small + 256 * 1024, (small, large)  # not 6 MiB more
