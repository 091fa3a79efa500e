# Copied from ../shared/seed/phase3-daft-executor.md with its imports and its seven Daft tests
# unchanged. Its two stub tests (which expect NotImplementedError from the Dask and Ray
# executors) are left out: this library has no stub executors.
"""Tests for Phase 3: DaftExecutor."""

import pytest
from hypernodes import node, Pipeline
from hypernodes.config import RuntimeConfig
from hypernodes.backend import LocalBackend

# Import DaftExecutor (skip tests if not installed)
try:
    from hypernodes.daft_executor import DaftExecutor
    DAFT_AVAILABLE = True
except ImportError:
    DAFT_AVAILABLE = False
    DaftExecutor = None


@node(output_name="doubled")
def double(x: int) -> int:
    return x * 2


@node(output_name="result")
def add_one(doubled: int) -> int:
    return doubled + 1


@node(output_name="squared")
def square(x: int) -> int:
    return x * x


@pytest.mark.skipif(not DAFT_AVAILABLE, reason="Daft not installed")
class TestDaftExecutor:
    """Test suite for DaftExecutor."""
    
    def test_daft_executor_creation(self):
        """Test creating DaftExecutor with different runners."""
        # Local runner
        executor = DaftExecutor(runner="local")
        assert executor.runner == "local"
        assert executor.collect is True
        
        # Ray runner
        executor = DaftExecutor(runner="ray", ray_address="ray://localhost:10001")
        assert executor.runner == "ray"
        assert executor.ray_address == "ray://localhost:10001"
    
    def test_daft_executor_invalid_runner(self):
        """Test DaftExecutor raises error for invalid runner."""
        with pytest.raises(ValueError):
            DaftExecutor(runner="invalid")
    
    def test_daft_executor_run_pipeline(self):
        """Test DaftExecutor executes pipeline correctly."""
        pipeline = Pipeline(nodes=[double, add_one])
        
        config = RuntimeConfig(
            backend=LocalBackend(),
            executor=DaftExecutor(runner="local"),
        )
        pipeline = pipeline.with_config(config)
        
        result = pipeline.run({"x": 5})
        
        assert result["doubled"] == 10
        assert result["result"] == 11
    
    def test_daft_executor_map_items(self):
        """Test DaftExecutor map operation."""
        pipeline = Pipeline(nodes=[double])
        
        executor = DaftExecutor(runner="local")
        
        items = [{"x": 1}, {"x": 2}, {"x": 3}, {"x": 4}]
        results = executor.map_items(pipeline, items, {})
        
        assert len(results) == 4
        assert results[0]["doubled"] == 2
        assert results[1]["doubled"] == 4
        assert results[2]["doubled"] == 6
        assert results[3]["doubled"] == 8
    
    def test_daft_executor_with_config(self):
        """Test DaftExecutor integrated with RuntimeConfig."""
        pipeline = Pipeline(nodes=[square])
        
        config = RuntimeConfig(
            backend=LocalBackend(),
            executor=DaftExecutor(runner="local", show_plan=False),
        )
        pipeline = pipeline.with_config(config)
        
        result = pipeline.run({"x": 7})
        assert result["squared"] == 49
    
    def test_daft_executor_selective_output(self):
        """Test DaftExecutor with selective output computation."""
        pipeline = Pipeline(nodes=[double, add_one])
        
        config = RuntimeConfig(
            backend=LocalBackend(),
            executor=DaftExecutor(runner="local"),
        )
        pipeline = pipeline.with_config(config)
        
        # Only compute "doubled", not "result"
        result = pipeline.run({"x": 5}, output_name="doubled")
        
        assert "doubled" in result
        assert result["doubled"] == 10
        # "result" should not be computed
        assert "result" not in result
    
    def test_daft_executor_map_large_batch(self):
        """Test DaftExecutor with larger batch for parallelism."""
        pipeline = Pipeline(nodes=[square])
        
        executor = DaftExecutor(runner="local")
        
        # Create 100 items
        items = [{"x": i} for i in range(100)]
        results = executor.map_items(pipeline, items, {})
        
        assert len(results) == 100
        assert all(results[i]["squared"] == i * i for i in range(100))


if __name__ == "__main__":
    pytest.main([__file__, "-v"])
