"""Which cell errors the feedback explains as the sandbox's doing (files outside the working folder, network)."""
import nbformat

from autograder.nbgrader_course.job import sandbox_notes


def _nb(*errors):
    cells = []
    for ename, evalue in errors:
        cell = nbformat.v4.new_code_cell("...")
        cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def test_outside_files_and_network_are_explained_and_nothing_else():
    nb = _nb(("FileNotFoundError", "[Errno 2] No such file or directory: '../../../source/ps1/p1.ipynb'"),
             ("FileNotFoundError", "[Errno 2] No such file or directory: 'data.csv'"),
             ("PermissionError", "[Errno 13] Permission denied: '/srv/course/gradebook.db'"),
             ("gaierror", "[Errno -3] Temporary failure in name resolution"),
             ("OSError", "[Errno 101] Network is unreachable"),
             ("FileNotFoundError", "[Errno 2] No such file or directory: '/tmp/mine.txt'"),
             ("ValueError", "'../x'"))
    notes = dict(sandbox_notes(nb))
    assert sorted(notes) == [1, 3, 4, 5]
    assert "only the assignment's own files are visible" in notes[1] and "no network" in notes[4]
