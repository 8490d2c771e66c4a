"""One grader process writing results into a shared gradebook (the concurrent-writers test runs two at once)."""
import sys

from autograder.core.coursedir import CourseDirectory
from autograder.core.results import CheckResult, SubmissionResult, TaskResult
from autograder.pipeline.gradebook import record_result


def result(sid: str, points: float) -> SubmissionResult:
    return SubmissionResult(student_id=sid, assignment="toy", status="graded", tasks=[
        TaskResult("add_one", 40, [CheckResult("public/test_public.py::t", "add_one", 40, "public", points > 0)]),
        TaskResult("scale", 60, [])])


if __name__ == "__main__":
    root, source, reference, url, prefix, n = sys.argv[1:7]
    course = CourseDirectory(root=root, source_root=source, reference_root=reference, db=url)
    for i in range(int(n)):
        record_result(course=course, result=result(f"{prefix}{i:04d}", 40 if i % 2 == 0 else 0), timestamp=None)
        record_result(course=course, result=result("99999999", 40), timestamp=None)   # both write this one
    print("done", flush=True)
