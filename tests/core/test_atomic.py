import pytest

from autograder.core.atomic import atomic_path, write_json_atomic, write_text_atomic


def test_text_is_written_whole_and_old_file_kept_on_failure(tmp_path):
    path = tmp_path / "sub" / "a.txt"
    write_text_atomic(path, "één\r\n")
    assert path.read_bytes() == "één\r\n".encode()
    with pytest.raises(RuntimeError), atomic_path(path) as tmp:
        tmp.write_text("half")
        raise RuntimeError("library failed")
    assert path.read_bytes() == "één\r\n".encode()
    assert [p.name for p in path.parent.iterdir()] == ["a.txt"]        # no temporary file left


def test_atomic_path_replaces_the_file_a_library_wrote(tmp_path):
    path = tmp_path / "plot.png"
    with atomic_path(path) as tmp:
        tmp.write_bytes(b"png")
        assert not path.exists()
    assert path.read_bytes() == b"png"
    write_json_atomic(tmp_path / "x.json", {"b": 1, "a": [1]})
    assert (tmp_path / "x.json").read_text().startswith('{\n "a"')
