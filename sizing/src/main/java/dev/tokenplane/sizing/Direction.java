package dev.tokenplane.sizing;

/** Which way a decision moved a bucket's size. */
public enum Direction {
    GROW,
    SHRINK,
    HOLD
}
