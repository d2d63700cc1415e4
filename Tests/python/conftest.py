"""One kernel, started from the installed 'calculus' kernelspec, for each test module that asks."""
import pytest
from jupyter_client.manager import start_new_kernel


@pytest.fixture(scope="module")
def kernel():
    manager, client = start_new_kernel(kernel_name="calculus")
    yield client
    client.stop_channels()
    manager.shutdown_kernel()
