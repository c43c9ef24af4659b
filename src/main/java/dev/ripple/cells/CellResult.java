package dev.ripple.cells;

import java.util.function.Function;

/** The outcome of one call to one cell: a value, or a {@link CellError}. Never an exception. */
public sealed interface CellResult<T> {

    static <T> CellResult<T> ok(T value) {
        return new Ok<>(value);
    }

    static <T> CellResult<T> failed(CellError error) {
        return new Failed<>(error);
    }

    static <T> CellResult<T> failed(CellError.Kind kind, String message) {
        return new Failed<>(new CellError(kind, message, null, 0));
    }

    boolean isOk();

    <U> CellResult<U> map(Function<T, U> f);

    record Ok<T>(T value) implements CellResult<T> {
        @Override
        public boolean isOk() {
            return true;
        }

        @Override
        public <U> CellResult<U> map(Function<T, U> f) {
            return new Ok<>(f.apply(value));
        }
    }

    record Failed<T>(CellError error) implements CellResult<T> {
        @Override
        public boolean isOk() {
            return false;
        }

        @Override
        public <U> CellResult<U> map(Function<T, U> f) {
            return new Failed<>(error);
        }
    }
}
